"""``LoadRSImage`` on GeoTIFFs through rasterio, ``LoadBandFiles``, ``read_raster``.

Synthetic rasters written to ``tmp_path`` with rasterio; the real 38-Cloud
patch is in ``test_load_38cloud.py``.
"""
import warnings

import numpy as np
import pytest
import rasterio
from PIL import Image
from rasterio.transform import Affine

import rszoo.datasets  # noqa: F401  (registers the transforms)
from rszoo.datasets.transforms import (BandCountError, BandIndexError, CorruptImageError,
                                       LoadBandFiles, LoadRSImage, read_raster)
from rszoo.registry import TRANSFORMS


def write_tif(path, array, georeferenced=False, **profile):
    """Write ``array`` (C, H, W) as a GeoTIFF; returns the path as str."""
    count, height, width = array.shape
    kwargs = dict(driver='GTiff', count=count, height=height, width=width, dtype=array.dtype)
    if georeferenced:
        kwargs.update(crs='EPSG:32632', transform=Affine(10, 0, 500000, 0, -10, 5000000))
    kwargs.update(profile)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with rasterio.open(path, 'w', **kwargs) as dst:
            dst.write(array)
    return str(path)


def ramp(count, height=6, width=5, dtype=np.uint16, start=0, step=1000):
    """(C, H, W): band b holds start + b * step + pixel index."""
    pixels = np.arange(height * width).reshape(height, width)
    return np.stack([start + b * step + pixels for b in range(count)]).astype(dtype)


@pytest.mark.parametrize('dtype,start', [(np.uint16, 40000), (np.int16, -3000),
                                         (np.float32, -0.5), (np.uint8, 0)])
def test_any_band_count_and_dtype_kept(tmp_path, dtype, start):
    step = 0.25 if dtype == np.float32 else (10 if dtype == np.uint8 else 1000)
    array = ramp(13 if dtype != np.uint8 else 7, dtype=dtype, start=start, step=step)
    path = write_tif(tmp_path / 'ms.tif', array)
    results = LoadRSImage(expected_bands=None)(dict(img_path=path))
    img = results['img']
    assert img.dtype == dtype and img.shape == (6, 5, array.shape[0])
    assert np.array_equal(img, array.transpose(1, 2, 0))  # file order, exact values
    assert img.flags['C_CONTIGUOUS'] and img.flags['WRITEABLE']
    assert results['img_shape'] == (6, 5) == results['ori_shape']
    assert 'nodata_mask' not in results


def test_rgbn_uint8_keeps_the_nir_band(tmp_path):
    """Pillow reads a photometric-RGB TIFF with a 4th (NIR) sample as RGB and drops it."""
    array = ramp(4, dtype=np.uint8, step=50)
    path = write_tif(tmp_path / 'rgbn.tif', array, photometric='RGB')
    image = Image.open(path)
    assert len(image.getbands()) == 3  # the Pillow behaviour this replaces
    img = LoadRSImage(expected_bands=4)(dict(img_path=path))['img']
    assert np.array_equal(img, array.transpose(1, 2, 0))  # R, G, B, N in file order
    with pytest.raises(BandCountError, match=r'4 band\(s\).*expected 3.*multiband'):
        LoadRSImage()(dict(img_path=path))


def test_16bit_rgb_keeps_16_bits(tmp_path):
    array = ramp(3, dtype=np.uint16, start=30000, step=10000)
    path = write_tif(tmp_path / 'rgb16.tif', array)
    img = LoadRSImage()(dict(img_path=path))['img']
    assert img.dtype == np.uint16 and img.max() == array.max() > 255
    assert np.array_equal(img, array.transpose(1, 2, 0))


def test_8bit_rgb_tif_keeps_mmcv_bgr_order(tmp_path):
    """Picture TIFFs behave as before (and as JPEG/PNG): B, G, R."""
    path = str(tmp_path / 'rgb.tif')
    Image.new('RGB', (4, 3), (10, 20, 30)).save(path)
    img = LoadRSImage()(dict(img_path=path))['img']
    assert img.shape == (3, 4, 3) and (img == [30, 20, 10]).all()
    png = str(tmp_path / 'rgb.png')
    Image.new('RGB', (4, 3), (10, 20, 30)).save(png)
    assert np.array_equal(LoadRSImage(backend='rasterio')(dict(img_path=png))['img'],
                          LoadRSImage()(dict(img_path=png))['img'])
    palette = str(tmp_path / 'palette.tif')
    Image.new('RGB', (4, 4), (10, 20, 30)).convert(
        'P', palette=Image.Palette.ADAPTIVE).save(palette)
    assert (LoadRSImage()(dict(img_path=palette))['img'] == [30, 20, 10]).all()


def test_bands_selection_is_one_based_and_ordered(tmp_path):
    array = ramp(13)
    path = write_tif(tmp_path / 'ms.tif', array)
    img = LoadRSImage(expected_bands=3, bands=[4, 3, 2])(dict(img_path=path))['img']
    assert np.array_equal(img, array[[3, 2, 1]].transpose(1, 2, 0))
    single = LoadRSImage(expected_bands=1, bands=13)(dict(img_path=path))['img']
    assert np.array_equal(single[..., 0], array[12])
    with pytest.raises(BandIndexError, match=r'ms\.tif has 13 band\(s\); band index 14 is '
                                             r'out of range 1\.\.13'):
        LoadRSImage(expected_bands=None, bands=[1, 14])(dict(img_path=path))
    with pytest.raises(BandIndexError, match='1-based'):
        LoadRSImage(expected_bands=None, bands=[0, 1])(dict(img_path=path))
    with pytest.raises(ValueError, match='selects 2 band'):
        LoadRSImage(bands=[1, 2])  # expected_bands=3 by default


def test_bands_by_name(tmp_path):
    array = ramp(4)
    path = write_tif(tmp_path / 'named.tif', array)
    names = ('B02', 'B03', 'B04', 'B08')
    load = LoadRSImage(expected_bands=None, bands=['B08', 'B04'])
    img = load(dict(img_path=path, band_names=names))['img']
    assert np.array_equal(img, array[[3, 2]].transpose(1, 2, 0))
    with pytest.raises(BandIndexError, match="unknown band name 'B08'.*1-based"):
        load(dict(img_path=path))  # no names anywhere
    with pytest.raises(BandIndexError, match=r"unknown band name 'B11'.*\['B02'"):
        LoadRSImage(expected_bands=None, bands=['B11'])(dict(img_path=path, band_names=names))
    # names from the file's band descriptions; a dataset-level selection in results
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with rasterio.open(path, 'r+') as dst:
            for i, name in enumerate(('blue', 'green', 'red', 'nir'), 1):
                dst.set_band_description(i, name)
    img = LoadRSImage(expected_bands=None)(dict(img_path=path, bands=['nir', 'red']))['img']
    assert np.array_equal(img, array[[3, 2]].transpose(1, 2, 0))


def test_nodata_mask_and_fill(tmp_path):
    array = ramp(3, start=100)
    array[:, 0, 0] = 0
    array[1, 2, 3] = 0  # nodata in one band only
    path = write_tif(tmp_path / 'nodata.tif', array, nodata=0)
    results = LoadRSImage(expected_bands=None)(dict(img_path=path))
    mask = results['nodata_mask']
    assert mask.shape == (6, 5) and mask.dtype == bool
    assert mask.sum() == 2 and mask[0, 0] and mask[2, 3]
    assert np.array_equal(results['img'], array.transpose(1, 2, 0))  # untouched
    filled = LoadRSImage(expected_bands=None, nodata_fill=7)(dict(img_path=path))['img']
    assert (filled[0, 0] == 7).all() and (filled[2, 3] == 7).all()
    assert filled[1, 1, 0] == array[0, 1, 1]
    with pytest.raises(ValueError, match='nodata_fill=-1 is not representable.*uint16'):
        LoadRSImage(expected_bands=None, nodata_fill=-1)(dict(img_path=path))
    # a value declared by the caller for a file without nodata
    plain = write_tif(tmp_path / 'plain.tif', ramp(2, start=100))
    results = LoadRSImage(expected_bands=None, nodata=100)(dict(img_path=plain))
    assert results['nodata_mask'].sum() == 1 and results['nodata_mask'][0, 0]


def test_float_nan_nodata(tmp_path):
    array = ramp(2, dtype=np.float32, step=0.5)
    array[0, 1, 1] = np.nan
    path = write_tif(tmp_path / 'nan.tif', array, nodata=np.nan)
    results = LoadRSImage(expected_bands=None, nodata_fill=-1.0)(dict(img_path=path))
    assert results['nodata_mask'].sum() == 1 and results['img'][1, 1, 0] == -1.0


def test_corrupt_and_truncated_tifs_name_the_file(tmp_path):
    path = write_tif(tmp_path / 'full.tif', ramp(13, 64, 64))
    data = open(path, 'rb').read()
    truncated = tmp_path / 'truncated.tif'
    truncated.write_bytes(data[:len(data) // 2])
    garbage = tmp_path / 'garbage.tif'
    garbage.write_bytes(b'not a tiff')
    load = LoadRSImage(expected_bands=None)
    for bad in (truncated, garbage):
        with pytest.raises(CorruptImageError, match=bad.name):
            load(dict(img_path=str(bad)))
    with pytest.raises(FileNotFoundError, match='absent.tif'):
        load(dict(img_path=str(tmp_path / 'absent.tif')))


def test_no_georeference_warning_and_georeferenced_files(tmp_path):
    plain = write_tif(tmp_path / 'plain.tif', ramp(2))
    geo = write_tif(tmp_path / 'geo.tif', ramp(2), georeferenced=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # NotGeoreferencedWarning would raise
        for path in (plain, geo):
            assert LoadRSImage(expected_bands=2)(dict(img_path=path))['img'].shape == (6, 5, 2)


def test_backend_option(tmp_path):
    path = write_tif(tmp_path / 'ms.tif', ramp(5))
    with pytest.raises(CorruptImageError):  # Pillow cannot read 5-band uint16
        LoadRSImage(expected_bands=None, backend='pillow')(dict(img_path=path))
    with pytest.raises(ValueError, match='backend'):
        LoadRSImage(backend='gdal')
    with pytest.raises(ValueError, match='need rasterio'):
        LoadRSImage(backend='pillow', bands=[1])
    with pytest.raises(TypeError, match='LoadBandFiles'):
        LoadRSImage()(dict(img_path=[path, path]))
    transform = TRANSFORMS.build(dict(type='LoadRSImage', expected_bands=None, bands=[2, 1]))
    assert transform.bands == [2, 1] and 'bands=[2, 1]' in repr(transform)


def test_read_raster_metadata(tmp_path):
    path = write_tif(tmp_path / 'ms.tif', ramp(3, dtype=np.uint8, step=20), photometric='RGB')
    raster = read_raster(path, bands=[3, 1])
    assert raster.indexes == (3, 1) and raster.colorinterp == ('blue', 'red')
    assert raster.array.shape == (6, 5, 2) and raster.nodata_mask is None


def test_load_band_files_stacks_in_order(tmp_path):
    red = write_tif(tmp_path / 'red.tif', ramp(1, start=50000))
    nir = write_tif(tmp_path / 'nir.tif', ramp(1, start=7000))
    pair = write_tif(tmp_path / 'pair.tif', ramp(2, start=100))
    results = LoadBandFiles(expected_bands=4)(dict(img_path=[nir, red, pair]))
    img = results['img']
    assert img.dtype == np.uint16 and img.shape == (6, 5, 4)
    assert img[0, 0].tolist() == [7000, 50000, 100, 1100]
    assert results['img_shape'] == (6, 5)
    small = write_tif(tmp_path / 'small.tif', ramp(1, height=3))
    with pytest.raises(ValueError, match=r'small\.tif is 3x5 .*red\.tif is 6x5'):
        LoadBandFiles()(dict(img_path=[red, small]))
    mask = write_tif(tmp_path / 'mask.tif', ramp(1, dtype=np.uint8))
    with pytest.raises(ValueError, match=r'mask\.tif is uint8 but .*red\.tif is uint16'):
        LoadBandFiles()(dict(img_path=[red, mask]))
    with pytest.raises(BandCountError, match='hold 2 band'):
        LoadBandFiles(expected_bands=3)(dict(img_path=[red, nir]))
    with pytest.raises(ValueError, match='list of per-band files'):
        LoadBandFiles()(dict(img_path=red))
    assert isinstance(TRANSFORMS.build(dict(type='LoadBandFiles')), LoadBandFiles)


def test_16bit_colour_png_keeps_16_bits(tmp_path):
    """Pillow decodes a 48-bit PNG as 8-bit RGB; 'auto' reads it with rasterio."""
    import cv2
    rgb = ramp(3, start=20000, step=15000).transpose(1, 2, 0)  # (H, W, 3) R, G, B
    path = str(tmp_path / 'rgb16.png')
    cv2.imwrite(path, np.ascontiguousarray(rgb[..., ::-1]))  # cv2 writes B, G, R
    assert np.array(Image.open(path)).dtype == np.uint8  # what Pillow would give
    img = LoadRSImage()(dict(img_path=path))['img']
    assert img.dtype == np.uint16 and np.array_equal(img, rgb)  # file order R, G, B
    gray = str(tmp_path / 'gray8.png')
    Image.new('L', (3, 2), 9).save(gray)  # ordinary PNGs stay on the Pillow path
    assert LoadRSImage(expected_bands=1)(dict(img_path=gray))['img'].dtype == np.uint8
