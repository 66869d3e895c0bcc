"""Detection transforms: LoadDetAnnotations, box-moving mmcv Resize/RandomFlip,
DetRandomCrop, PackDetInputs."""
import numpy as np
import pytest
import torch

from rszoo.registry import TRANSFORMS
from rszoo.structures import DetDataSample
from rszoo.utils import register_all_modules

register_all_modules()


def _results():
    img = np.zeros((100, 200, 3), np.uint8)
    instances = [dict(bbox=[10, 20, 50, 60], bbox_label=0, ignore_flag=0),
                 dict(bbox=[150, 70, 190, 90], bbox_label=1, ignore_flag=1)]
    results = dict(img=img, img_shape=(100, 200), ori_shape=(100, 200), instances=instances,
                   img_id=3)
    return TRANSFORMS.build(dict(type='LoadDetAnnotations'))(results)


def test_load_det_annotations():
    r = _results()
    assert r['gt_bboxes'].dtype == np.float32 and r['gt_bboxes'].shape == (2, 4)
    assert r['gt_bboxes_labels'].tolist() == [0, 1]
    assert r['gt_ignore_flags'].tolist() == [False, True]
    with pytest.raises(ValueError, match='x2 >= x1'):
        TRANSFORMS.build(dict(type='LoadDetAnnotations'))(
            dict(instances=[dict(bbox=[5, 0, 1, 1], bbox_label=0)]))
    with pytest.raises(KeyError, match='instances'):
        TRANSFORMS.build(dict(type='LoadDetAnnotations'))(dict(img=None))


def test_mmcv_resize_and_flip_move_boxes():
    r = TRANSFORMS.build(dict(type='Resize', scale=(100, 100), keep_ratio=True))(_results())
    assert r['img'].shape[:2] == (50, 100)
    assert np.allclose(r['gt_bboxes'][0], [5, 10, 25, 30])
    r = TRANSFORMS.build(dict(type='RandomFlip', prob=1.0, direction='horizontal'))(r)
    assert np.allclose(r['gt_bboxes'][0], [75, 10, 95, 30])
    r = TRANSFORMS.build(dict(type='RandomFlip', prob=1.0, direction='vertical'))(r)
    assert np.allclose(r['gt_bboxes'][0], [75, 20, 95, 40])


def test_det_random_crop_moves_clips_and_filters():
    np.random.seed(0)
    crop = TRANSFORMS.build(dict(type='DetRandomCrop', crop_size=(60, 60),
                                 allow_negative_crop=True))
    for _ in range(20):
        r = crop(_results())
        x0, y0, w, h = r['crop_window']
        assert r['img'].shape[:2] == (h, w) == (60, 60)
        assert len(r['gt_bboxes']) == len(r['gt_bboxes_labels']) == len(r['gt_ignore_flags'])
        for box in r['gt_bboxes']:
            assert 0 <= box[0] < box[2] <= w and 0 <= box[1] < box[3] <= h
        if 0 in r['gt_bboxes_labels']:
            i = r['gt_bboxes_labels'].tolist().index(0)
            expect = np.clip(np.array([10, 20, 50, 60]) - [x0, y0, x0, y0], 0, 60)
            assert np.allclose(r['gt_bboxes'][i], expect)
    # no box inside and negatives not allowed: None (the data set draws again)
    strict = TRANSFORMS.build(dict(type='DetRandomCrop', crop_size=(5, 5)))
    results = _results()
    results['img'] = np.zeros((100, 200, 3), np.uint8)
    np.random.seed(1)
    outs = [strict(_results()) for _ in range(30)]
    assert any(o is None for o in outs)
    assert all(o is None or len(o['gt_bboxes']) > 0 for o in outs)


def test_pack_det_inputs_splits_ignored():
    r = TRANSFORMS.build(dict(type='Resize', scale=(100, 100), keep_ratio=True))(_results())
    packed = TRANSFORMS.build(dict(type='PackDetInputs'))(r)
    sample = packed['data_samples']
    assert isinstance(sample, DetDataSample)
    assert packed['inputs'].shape == (3, 50, 100)
    assert sample.gt_instances.bboxes.shape == (1, 4)
    assert sample.gt_instances.bboxes.dtype == torch.float32
    assert sample.ignored_instances.labels.tolist() == [1]
    assert sample.img_id == 3 and sample.scale_factor == (0.5, 0.5)
