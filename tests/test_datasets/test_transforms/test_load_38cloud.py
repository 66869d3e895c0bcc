"""Real data: the 38-Cloud Landsat-8 patch (``../shared/data/38cloud-patch``).

Four uint16 bands as separate TIFFs plus a uint8 cloud mask; shapes, dtypes
and value ranges are those of the data's README (checked there with Pillow
and rasterio). Skips when the folder is absent.
"""
import numpy as np

import rszoo.datasets  # noqa: F401
from rszoo.datasets.transforms import LoadBandFiles, LoadRSImage

PATCH = 'patch_192_10_by_12_LC08_L1TP_002053_20160520_20170324_01_T1.TIF'
# README table: band -> (min, max), uint16, 384 x 384
RANGES = {'red': (6442, 54402), 'green': (7248, 51784), 'blue': (8479, 50850),
          'nir': (7192, 59019)}


def test_four_bands_stacked_uint16_exact_ranges(cloud_root):
    paths = [str(cloud_root / f'{band}_{PATCH}') for band in RANGES]
    results = LoadBandFiles(expected_bands=4)(dict(img_path=paths))
    img = results['img']
    assert img.shape == (384, 384, 4) and img.dtype == np.uint16
    assert results['img_shape'] == (384, 384) and 'nodata_mask' not in results
    for channel, (band, (low, high)) in enumerate(RANGES.items()):
        assert (int(img[..., channel].min()), int(img[..., channel].max())) == (low, high), band
    assert not (img == 0).any()  # README: no zero (no-data margin) pixel in this patch


def test_single_band_file_and_cloud_mask(cloud_root):
    nir = LoadRSImage(expected_bands=1)(dict(img_path=str(cloud_root / f'nir_{PATCH}')))['img']
    assert nir.shape == (384, 384, 1) and nir.dtype == np.uint16
    assert (int(nir.min()), int(nir.max())) == (7192, 59019)
    gt = LoadRSImage(expected_bands=1)(dict(img_path=str(cloud_root / f'gt_{PATCH}')))['img']
    assert gt.shape == (384, 384, 1) and gt.dtype == np.uint8
    assert set(np.unique(gt).tolist()) == {0, 255}
    assert int((gt == 255).sum()) == 45333  # README: 30.7 % cloud


def test_truecolor_preview_is_bgr_uint8(cloud_root):
    img = LoadRSImage()(dict(img_path=str(cloud_root / f'truecolor_{PATCH}')))['img']
    assert img.shape == (384, 384, 3) and img.dtype == np.uint8
    assert (int(img.min()), int(img.max())) == (25, 255)
    rgb = LoadRSImage(bands=[1, 2, 3])(dict(img_path=str(cloud_root / f'truecolor_{PATCH}')))
    assert np.array_equal(rgb['img'], img[..., ::-1])  # a selection keeps file order
