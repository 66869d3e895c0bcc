"""rszoo.visualization: band selection, percentile stretch, grids and image files,
on synthetic 8-bit RGB and uint16 13-band (Sentinel-2-like) arrays."""
import numpy as np
import pytest
from PIL import Image

from rszoo.visualization import (dataset_bands, image_grid, percentile_stretch,
                                 resolve_bands, save_figure, save_rgb, tensor_to_hwc,
                                 to_display_rgb)

S2_BANDS = ('B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09', 'B10', 'B11',
            'B12', 'B8A')


def s2_image(seed=0, size=32):
    """13 bands, band b filled with values around 1000 * (b + 1) (distinct per band)."""
    rng = np.random.default_rng(seed)
    base = 1000 * (np.arange(13) + 1)
    return (base + rng.integers(0, 500, size=(size, size, 13))).astype(np.uint16)


def test_resolve_bands_defaults_and_names():
    assert resolve_bands(3) == [2, 1, 0]                       # LoadRSImage's BGR
    assert resolve_bands(3, channel_order='RGB') == [0, 1, 2]
    assert resolve_bands(4) == [2, 1, 0]                       # BGRA
    assert resolve_bands(13) == [0, 1, 2]
    assert resolve_bands(1) == [0] and resolve_bands(2) == [0]
    assert resolve_bands(13, ['B04', 'B03', 'B02'], band_names=S2_BANDS) == [3, 2, 1]
    assert resolve_bands(13, ['3', 2, 1]) == [3, 2, 1]         # CLI strings are indices
    assert resolve_bands(13, rgb_bands=['B04', 'B03', 'B02'], band_names=S2_BANDS) == [3, 2, 1]
    # an explicit choice wins over the data set's RGB bands
    assert resolve_bands(13, [7], band_names=S2_BANDS, rgb_bands=['B04', 'B03', 'B02']) == [7]


@pytest.mark.parametrize('kwargs, match', [
    (dict(bands=[0, 1]), 'one band'),
    (dict(bands=[13, 2, 1]), r'outside \[0, 13\)'),
    (dict(bands=['B04', 'B03', 'B99'], band_names=S2_BANDS), "unknown band name 'B99'"),
    (dict(bands=['B04', 'B03', 'B02']), 'names no bands'),
    (dict(band_names=S2_BANDS[:3], bands=[0]), '3 band names'),
    (dict(channel_order='GBR'), 'channel_order'),
])
def test_resolve_bands_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        resolve_bands(13, **kwargs)


def test_percentile_stretch_per_band():
    img = s2_image()
    out = percentile_stretch(img)
    assert out.dtype == np.uint8 and out.shape == img.shape
    for b in range(13):
        lo, hi = np.percentile(img[..., b], [2, 98])
        expected = np.clip((img[..., b] - lo) / (hi - lo), 0, 1) * 255
        np.testing.assert_allclose(out[..., b], expected, atol=1)
        # every band uses the full range although their levels differ by 12000
        assert out[..., b].min() == 0 and out[..., b].max() == 255
        assert 0.015 < np.mean(out[..., b] == 255) < 0.03  # 2 % saturate at each end
    # a constant band is 0, NaNs are ignored and shown as 0
    flat = np.full((4, 4, 1), 7, np.uint16)
    assert percentile_stretch(flat).max() == 0
    with_nan = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
    with_nan[0, 0] = np.nan
    stretched = percentile_stretch(with_nan)
    assert stretched[0, 0, 0] == 0 and stretched.max() == 255


def test_to_display_rgb_uint16_13_bands():
    img = s2_image()
    rgb = to_display_rgb(img, bands=['B04', 'B03', 'B02'], band_names=S2_BANDS)
    assert rgb.shape == (32, 32, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(rgb, percentile_stretch(img[..., [3, 2, 1]]))
    # the data set's RGB bands are the default; without them, the first three
    via_meta = to_display_rgb(img, band_names=S2_BANDS, rgb_bands=['B04', 'B03', 'B02'])
    np.testing.assert_array_equal(via_meta, rgb)
    np.testing.assert_array_equal(to_display_rgb(img), percentile_stretch(img[..., :3]))
    # one band is grey
    grey = to_display_rgb(img, bands=[7])
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 0], grey[..., 2])
    # float reflectance is stretched too
    assert to_display_rgb(img.astype(np.float32) / 10000.).max() == 255


def test_to_display_rgb_uint8_is_shown_as_is():
    rng = np.random.default_rng(1)
    bgr = rng.integers(0, 256, size=(8, 9, 3), dtype=np.uint8)
    np.testing.assert_array_equal(to_display_rgb(bgr), bgr[..., ::-1])
    np.testing.assert_array_equal(to_display_rgb(bgr, channel_order='RGB'), bgr)
    np.testing.assert_array_equal(to_display_rgb(bgr[..., 0]), np.stack([bgr[..., 0]] * 3, -1))
    with pytest.raises(ValueError, match='H x W x C'):
        to_display_rgb(np.zeros((2, 3, 4, 5), np.uint8))


def test_dataset_bands_from_class_attributes_metainfo_and_selection():
    class MS:
        METAINFO = dict(classes=('a', 'b'))
        BANDS = S2_BANDS
        RGB_BANDS = ('B04', 'B03', 'B02')

    assert dataset_bands(MS, num_bands=13) == (list(S2_BANDS), ['B04', 'B03', 'B02'])
    # a loaded selection names the image's bands; RGB bands outside it are dropped
    assert dataset_bands(MS, ('B04', 'B03', 'B02', 'B08'), 4) == (
        ['B04', 'B03', 'B02', 'B08'], ['B04', 'B03', 'B02'])
    assert dataset_bands(MS, ('B08', 'B11'), 2) == (['B08', 'B11'], None)
    assert dataset_bands(MS, num_bands=3) == (None, None)  # 13 names for 3 bands: not these

    class WithMeta:
        METAINFO = dict(bands=('nir', 'red', 'green', 'blue'), rgb_bands=('red', 'green', 'blue'))

    names, rgb = dataset_bands(WithMeta, num_bands=4)
    assert resolve_bands(4, band_names=names, rgb_bands=rgb) == [1, 2, 3]

    class RGBOnly:
        METAINFO = dict(classes=('a', ))

    assert dataset_bands(RGBOnly, num_bands=3) == (None, None)


def test_grid_and_files(tmp_path):
    import torch
    rgb = np.zeros((10, 12, 3), np.uint8)
    rgb[..., 0] = 200
    png = save_rgb(rgb, tmp_path / 'sub' / 'red.png')
    np.testing.assert_array_equal(np.asarray(Image.open(png)), rgb)
    with pytest.raises(ValueError, match='uint8'):
        save_rgb(rgb.astype(np.uint16), tmp_path / 'x.png')
    fig = image_grid([rgb] * 5, [f'{i}: red' for i in range(5)])
    assert len([ax for ax in fig.axes if ax.images]) == 5 and len(fig.axes) == 6  # 3 x 2
    out = save_figure(fig, tmp_path / 'grid.png')
    assert Image.open(out).size[0] > 100
    with pytest.raises(ValueError, match='titles'):
        image_grid([rgb], ['a', 'b'])
    with pytest.raises(ValueError, match='extension'):
        save_figure(fig, tmp_path / 'noext')
    chw = torch.arange(24).reshape(2, 3, 4)
    assert tensor_to_hwc(chw).shape == (3, 4, 2) and tensor_to_hwc(chw)[1, 2, 1] == 18
