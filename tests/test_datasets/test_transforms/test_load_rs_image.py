"""``LoadRSImage``: mmcv's BGR order, band counts (grey, RGBA, palette), errors that name
the file, and its speed on AID-150px (skips without ``../shared/data``).
"""
import os
import os.path as osp
import time

import numpy as np
import pytest
from PIL import Image

from rszoo.datasets import LoadRSImage
from rszoo.datasets.transforms.loading import BandCountError
from rszoo.registry import TRANSFORMS

from helpers.images import save_image


def test_load_rs_image_is_fast_on_aid(aid_root):
    names = sorted(os.listdir(osp.join(str(aid_root), 'Beach')))[:200]
    paths = [osp.join(str(aid_root), 'Beach', n) for n in names]
    load = LoadRSImage()
    load(dict(img_path=paths[0]))
    start = time.perf_counter()
    for path in paths:
        out = load(dict(img_path=path))
    rate = len(paths) / (time.perf_counter() - start)
    assert out['img'].shape == (150, 150, 3)
    # ~4,000 img/s measured on one core; a loose bound for a busy machine.
    assert rate > 500, f'{rate:.0f} img/s'


def test_load_rs_image_bgr_order(tmp_path):
    path = save_image(str(tmp_path / 'rgb.png'), (7, 5), (10, 20, 30))
    results = LoadRSImage()(dict(img_path=path))
    img = results['img']
    assert img.dtype == np.uint8 and img.shape == (5, 7, 3)
    assert (img == np.array([30, 20, 10], np.uint8)).all()  # B, G, R
    assert results['img_shape'] == (5, 7) and results['ori_shape'] == (5, 7)
    assert img.flags['C_CONTIGUOUS'] and img.flags['WRITEABLE']
    # same array as mmcv's cv2 loader (the convention mmpretrain expects)
    from mmcv.transforms import LoadImageFromFile
    assert np.array_equal(img, LoadImageFromFile()(dict(img_path=path))['img'])


def test_load_rs_image_jpeg_red_is_last_channel(tmp_path):
    path = save_image(str(tmp_path / 'red.jpg'), (16, 16), (255, 0, 0))
    img = LoadRSImage()(dict(img_path=path))['img']
    assert img[..., 2].mean() > 240 and img[..., :2].mean() < 15


def test_load_rs_image_grayscale(tmp_path):
    path = save_image(str(tmp_path / 'gray.png'), (6, 4), 77, mode='L')
    with pytest.raises(ValueError) as info:
        LoadRSImage()(dict(img_path=path))
    assert isinstance(info.value, BandCountError)
    message = str(info.value)
    assert path in message and '1 band' in message and 'expected 3' in message
    img = LoadRSImage(expected_bands=1)(dict(img_path=path))['img']
    assert img.shape == (4, 6, 1) and (img == 77).all()


@pytest.mark.parametrize('fmt', ['png', 'tif'])
def test_load_rs_image_four_bands(tmp_path, fmt):
    path = save_image(str(tmp_path / f'rgba.{fmt}'), (3, 2), (10, 20, 30, 40),
                      mode='RGBA')
    with pytest.raises(BandCountError) as info:
        LoadRSImage()(dict(img_path=path))
    message = str(info.value)
    assert path in message and '4 band' in message and 'expected 3' in message
    dropped = LoadRSImage(drop_alpha=True)(dict(img_path=path))['img']
    assert dropped.shape == (2, 3, 3) and (dropped == [30, 20, 10]).all()
    kept = LoadRSImage(expected_bands=4)(dict(img_path=path))['img']
    assert kept.shape == (2, 3, 4) and (kept == [30, 20, 10, 40]).all()


def test_load_rs_image_palette_and_any_bands(tmp_path):
    path = str(tmp_path / 'palette.png')
    Image.new('RGB', (4, 4), (10, 20, 30)).convert(
        'P', palette=Image.Palette.ADAPTIVE).save(path)
    assert (LoadRSImage()(dict(img_path=path))['img'] == [30, 20, 10]).all()
    gray = save_image(str(tmp_path / 'g.png'), (4, 4), 5, mode='L')
    assert LoadRSImage(expected_bands=None)(
        dict(img_path=gray))['img'].shape == (4, 4, 1)


def test_load_rs_image_missing_and_float(tmp_path):
    with pytest.raises(FileNotFoundError, match='absent.jpg'):
        LoadRSImage()(dict(img_path=str(tmp_path / 'absent.jpg')))
    path = save_image(str(tmp_path / 'x.png'))
    img = LoadRSImage(to_float32=True)(dict(img_path=path))['img']
    assert img.dtype == np.float32
    with pytest.raises(ValueError, match='expected_bands'):
        LoadRSImage(expected_bands=0)


def test_load_rs_image_registered():
    transform = TRANSFORMS.build(dict(type='LoadRSImage', drop_alpha=True))
    assert isinstance(transform, LoadRSImage) and transform.drop_alpha
