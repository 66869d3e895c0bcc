"""HyperspectralAnomalyDataset and load_had_mat: real scenes (shape, dtype,
anomaly count from ../shared/data/had-abu-hydice-sandiego/README.md), clear
errors, test and train samples, leave-one-scene-out exclusion, plot()."""
import numpy as np
import pytest
import torch
from scipy.io import savemat

from conftest import shared_data_root
from rszoo.datasets import HyperspectralAnomalyDataset, load_had_mat

HAD = shared_data_root() / 'had-abu-hydice-sandiego'
README_TABLE = {  # file stem: (shape, dtype, anomaly pixels)
    'abu-airport-1': ((100, 100, 205), np.uint16, 144),
    'abu-beach-1': ((150, 150, 188), np.int16, 19),
    'hydice': ((80, 100, 162), np.uint16, 17),
    'sandiego': ((100, 100, 189), np.uint16, 58),
}


def need_had():
    if not (HAD / 'abu-airport-1.mat').is_file():
        pytest.skip(f'HAD scenes not found at {HAD} (set RSZOO_DATA_ROOT to the folder '
                    'holding had-abu-hydice-sandiego/)')


pytestmark = pytest.mark.usefixtures('single_thread_registry')


@pytest.fixture
def tiny_root(tmp_path):
    rng = np.random.default_rng(0)
    for name, shape in (('a', (20, 24, 6)), ('b', (18, 18, 6)), ('c', (20, 20, 8))):
        cube = rng.integers(100, 4000, size=shape).astype(np.uint16)
        mask = np.zeros(shape[:2], np.uint8)
        mask[3:5, 4:6] = 1
        savemat(tmp_path / f'{name}.mat', dict(data=cube, map=mask))
    return tmp_path


@pytest.mark.parametrize('stem', sorted(README_TABLE))
def test_real_scene_matches_the_readme(stem):
    need_had()
    shape, dtype, count = README_TABLE[stem]
    cube, mask = load_had_mat(str(HAD / f'{stem}.mat'))
    assert cube.shape == shape and cube.dtype == dtype
    assert mask.shape == shape[:2] and mask.dtype == np.uint8 and int(mask.sum()) == count


def test_real_dataset_all_14_scenes():
    need_had()
    ds = HyperspectralAnomalyDataset(data_root=str(HAD), bands=50, with_full_cube=True)
    assert len(ds) == 14 and ds.get_data_info(0)['scene'] == 'abu-airport-1'
    sample = ds[0]
    x, s = sample['inputs'], sample['data_samples']
    assert x.shape == (50, 100, 100) and x.dtype == torch.float32
    assert float(x.min()) == 0. and float(x.max()) == 1.
    assert s.scene == 'abu-airport-1' and int(s.gt_anomaly_map.sum()) == 144
    assert s.full_cube.shape == (100, 100, 205)


def test_load_errors_name_file_key_and_shape(tmp_path):
    savemat(tmp_path / 'nodata.mat', dict(cube=np.zeros((4, 4, 3))))
    with pytest.raises(KeyError, match=r'nodata\.mat.*"data".*keys:.*cube'):
        load_had_mat(str(tmp_path / 'nodata.mat'))
    savemat(tmp_path / 'flat.mat', dict(data=np.zeros((4, 4)), map=np.zeros((4, 4))))
    with pytest.raises(ValueError, match=r'flat\.mat.*\(4, 4\).*\(H, W, B\)'):
        load_had_mat(str(tmp_path / 'flat.mat'))
    savemat(tmp_path / 'badmap.mat', dict(data=np.zeros((4, 4, 3)), map=np.zeros((4, 5))))
    with pytest.raises(ValueError, match=r'badmap\.mat.*\(4, 5\).*\(4, 4\)'):
        load_had_mat(str(tmp_path / 'badmap.mat'))
    savemat(tmp_path / 'nomap.mat', dict(data=np.zeros((4, 4, 3))))
    with pytest.raises(KeyError, match=r'nomap\.mat.*"map"'):
        load_had_mat(str(tmp_path / 'nomap.mat'))
    with pytest.raises(FileNotFoundError, match='missing.mat'):
        load_had_mat(str(tmp_path / 'missing.mat'))


def test_test_mode_scene_minmax_and_band_errors(tiny_root):
    ds = HyperspectralAnomalyDataset(data_root=str(tiny_root), bands=4, scenes=['a'])
    x = ds[0]['inputs']
    cube, _ = load_had_mat(str(tiny_root / 'a.mat'))
    ref = cube[..., :4].astype(np.float64)
    ref = (ref - ref.min()) / (ref.max() - ref.min())
    np.testing.assert_allclose(x.numpy(), ref.transpose(2, 0, 1), atol=1e-6)
    with pytest.raises(ValueError, match='has 6 bands; bands=7'):
        HyperspectralAnomalyDataset(data_root=str(tiny_root), bands=7)
    with pytest.raises(FileNotFoundError, match=r"\['zzz'\] not found"):
        HyperspectralAnomalyDataset(data_root=str(tiny_root), scenes=['zzz'])


def test_train_mode_crops_masks_and_exclusion(tiny_root):
    # train mode never reads `map`: a scene without one is fine
    savemat(tiny_root / 'd.mat', dict(data=np.ones((16, 16, 6), np.int16)))
    ds = HyperspectralAnomalyDataset(data_root=str(tiny_root), mode='train', bands=6,
                                     exclude_scenes=['c'], crop_size=8, crops_per_scene=5)
    assert [d['scene'] for d in ds.data_list] == ['a', 'b', 'd'] and len(ds) == 15
    np.random.seed(0)
    masks = []
    for i in range(len(ds)):
        item = ds[i]
        assert item['inputs'].shape == (6, 8, 8) and item['inputs'].is_contiguous()
        assert item['data_samples'].scene == 'abd'[i % 3]
        m = item['data_samples'].synthetic_mask
        assert m.shape == (8, 8) and set(torch.unique(m).tolist()) <= {0., 1.}
        masks.append(m)
    assert 'gt_anomaly_map' not in item['data_samples']
    assert torch.stack(masks).mean() > 0  # some synthetic targets in 15 crops


def test_plot_returns_a_figure(tiny_root):
    ds = HyperspectralAnomalyDataset(data_root=str(tiny_root), scenes=['a'])
    fig = ds.plot(0, score=np.random.rand(20, 24))
    assert len(fig.axes) == 3
    import matplotlib.pyplot as plt
    plt.close(fig)
