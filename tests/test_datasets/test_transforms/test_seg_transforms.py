"""Segmentation transforms: LoadSegAnnotation, CropTile, PackSegInputs."""
import numpy as np
import pytest
import torch
from PIL import Image

from rszoo.utils import register_all_modules

register_all_modules()

from rszoo.datasets.transforms import (CropTile, LoadSegAnnotation,  # noqa: E402
                                       PackSegInputs)


def test_load_png_label_with_label_map(tmp_path):
    mask = np.array([[0, 255], [255, 0]], np.uint8)
    Image.fromarray(mask).save(tmp_path / 'gt.png')
    out = LoadSegAnnotation(label_map={255: 1})(dict(seg_map_path=str(tmp_path / 'gt.png')))
    assert out['gt_seg_map'].tolist() == [[0, 1], [1, 0]] and out['gt_seg_map'].dtype == np.uint8
    assert out['seg_fields'] == ['gt_seg_map']
    with pytest.raises(ValueError, match=r'is \(2, 2\), the image .* is \(3, 3\)'):
        LoadSegAnnotation()(dict(seg_map_path=str(tmp_path / 'gt.png'), img_shape=(3, 3),
                                 img_path='x.tif'))
    with pytest.raises(FileNotFoundError, match='nope.png'):
        LoadSegAnnotation()(dict(seg_map_path=str(tmp_path / 'nope.png')))


def test_crop_tile_moves_image_and_mask_together():
    img = np.arange(6 * 8 * 2).reshape(6, 8, 2)
    seg = np.arange(48).reshape(6, 8)
    out = CropTile()(dict(img=img, gt_seg_map=seg, seg_fields=['gt_seg_map'],
                          window=(2, 4, 3, 4)))
    assert np.array_equal(out['img'], img[2:5, 4:8]) and np.array_equal(out['gt_seg_map'],
                                                                        seg[2:5, 4:8])
    assert out['img_shape'] == (3, 4) == out['ori_shape']
    with pytest.raises(ValueError, match='not inside the 6 x 8 image'):
        CropTile()(dict(img=img, window=(4, 0, 3, 3)))
    unchanged = dict(img=img)
    assert CropTile()(unchanged)['img'] is img


def test_pack_seg_inputs():
    img = np.full((4, 5, 3), 40000, np.uint16)
    out = PackSegInputs()(dict(img=img, gt_seg_map=np.ones((4, 5), np.uint8), img_shape=(4, 5),
                               tile_id='p:0_0'))
    assert out['inputs'].shape == (3, 4, 5) and out['inputs'].dtype == torch.float32
    assert out['inputs'].max() == 40000  # uint16 kept by value, as float32
    sample = out['data_samples']
    assert sample.gt_sem_seg.data.shape == (1, 4, 5) and sample.gt_sem_seg.data.dtype == torch.int64
    assert sample.tile_id == 'p:0_0' and sample.img_shape == (4, 5)
    with pytest.raises(ValueError, match='differ in size'):
        PackSegInputs()(dict(img=img, gt_seg_map=np.ones((2, 2), np.uint8)))
