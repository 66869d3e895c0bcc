"""Band-stack readers: .mat v5 / v7.3 (h5py) and GeoTIFF, layouts, clear errors."""
import numpy as np
import pytest
import scipy.io as sio

from rszoo.datasets.multimodal import BandFileError, read_band_stack, read_label_map


def test_mat_v5_hwc_and_chw(tmp_path):
    cube = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)  # H, W, C
    sio.savemat(tmp_path / 'c.mat', {'data': cube, 'chw': cube.transpose(2, 0, 1)})
    hwc = read_band_stack(tmp_path / 'c.mat', key='data', layout='HWC')
    chw = read_band_stack(tmp_path / 'c.mat', key='chw', layout='CHW')
    assert hwc.shape == (4, 2, 3) and hwc.dtype == np.float32
    np.testing.assert_array_equal(hwc, chw)
    np.testing.assert_array_equal(hwc[1], cube[:, :, 1])
    assert read_band_stack(tmp_path / 'c.mat', key='data', bands=[3, 0]).shape == (2, 2, 3)


def test_mat_errors_name_the_file_and_keys(tmp_path):
    sio.savemat(tmp_path / 'two.mat', {'a': np.zeros((2, 2)), 'b': np.zeros((2, 2))})
    with pytest.raises(BandFileError, match=r"no variable \"c\".*\['a', 'b'\]"):
        read_band_stack(tmp_path / 'two.mat', key='c')
    with pytest.raises(BandFileError, match='name the variable'):
        read_band_stack(tmp_path / 'two.mat')
    with pytest.raises(FileNotFoundError, match='missing.mat'):
        read_band_stack(tmp_path / 'missing.mat', key='a')
    with pytest.raises(BandFileError, match='outside'):
        read_band_stack(tmp_path / 'two.mat', key='a', bands=[1])


def test_mat_v73_through_h5py(tmp_path):
    h5py = pytest.importorskip('h5py')
    cube = np.random.default_rng(0).random((5, 6, 3)).astype(np.float32)  # H, W, C
    with h5py.File(tmp_path / 'v73.mat', 'w') as f:
        f['HSI'] = cube.transpose()  # what MATLAB's column-major v7.3 file looks like to h5py
    with open(tmp_path / 'v73.mat', 'rb') as f:
        assert f.read(4) == b'\x89HDF'
    stack = read_band_stack(tmp_path / 'v73.mat', key='HSI', layout='HWC')
    np.testing.assert_allclose(stack, cube.transpose(2, 0, 1))


def test_geotiff_through_rasterio(tmp_path):
    rasterio = pytest.importorskip('rasterio')
    data = np.random.default_rng(1).random((7, 5, 4)).astype(np.float32)  # C, H, W
    with rasterio.open(tmp_path / 'x.tif', 'w', driver='GTiff', width=4, height=5, count=7,
                       dtype='float32') as dst:
        dst.write(data)
    np.testing.assert_array_equal(read_band_stack(tmp_path / 'x.tif'), data)


def test_label_map_is_integer_2d(tmp_path):
    sio.savemat(tmp_path / 'gt.mat', {'gt': np.array([[0, 1], [2, 0]], np.uint8),
                                      'bad': np.array([[0.5, 1]]),
                                      'cube': np.zeros((2, 2, 2))})
    labels = read_label_map(tmp_path / 'gt.mat', 'gt')
    assert labels.dtype == np.int64 and labels.tolist() == [[0, 1], [2, 0]]
    with pytest.raises(BandFileError, match='non-integer'):
        read_label_map(tmp_path / 'gt.mat', 'bad')
    with pytest.raises(BandFileError, match='must be 2-D'):
        read_label_map(tmp_path / 'gt.mat', 'cube')
