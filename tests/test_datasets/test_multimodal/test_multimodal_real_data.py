"""The loaders on the real parts in shared/data: Trento LiDAR + ground truth (synthetic HSI),
Houston2013 train/test masks (synthetic cube of the documented shape), MDL-RS vectors."""
import numpy as np
import pytest
import scipy.io as sio

from conftest import shared_data_root
from rszoo.utils import register_all_modules

register_all_modules()
from rszoo.datasets.multimodal import (HOUSTON2013_CLASSES, GridMismatchError,  # noqa: E402
                                       Houston2013, MDLRSHouston2013Vectors, Trento)

TRENTO = shared_data_root() / 'trento-lidar-gt-partial'
HOUSTON = shared_data_root() / 'houston2013-labels'
MDLRS = shared_data_root() / 'houston2013-mdlrs-vectors'


def need(folder):
    if not folder.is_dir():
        pytest.skip(f'{folder} not found (set RSZOO_DATA_ROOT to the folder holding it, '
                    'normally ../shared/data)')


def trento(**kwargs):
    return Trento(data_root=str(TRENTO),
                  modalities={'hsi': dict(type='synthetic', bands=63),
                              'lidar': dict(file='Italy_lidar.mat', key='data')}, **kwargs)


def test_trento_real_lidar_and_ground_truth():
    need(TRENTO)
    ds = trento(split='train', val_ratio=0.2, patch_size=8)
    counts = np.bincount(ds.label_grid.ravel(), minlength=7)[1:]
    assert ds.grid_shape == (166, 600)
    assert counts.tolist() == [4034, 2903, 479, 9123, 10501, 3174]  # the data README's counts
    assert ds.split_sizes['trainval'] == 819 and ds.split_sizes['test'] == 30214 - 819
    labels_tv = np.bincount([d['gt_label'] for d in ds.data_list], minlength=6)
    assert labels_tv.sum() == ds.split_sizes['train']
    info = ds.get_data_info(0)
    assert info['hsi'].shape == (63, 8, 8) and info['lidar'].shape == (2, 8, 8)
    # LiDAR normalised with the training pixels' min / max (raw range 0..2901)
    assert ds.normalizers['lidar'].scale.max() > 1 and ds.normalizers['lidar'].shift.min() >= 0


def test_houston2013_masks_with_a_synthetic_cube():
    need(HOUSTON)
    ds = Houston2013(data_root=str(HOUSTON), split='train', patch_size=4,
                     modalities={'hsi': dict(type='synthetic', bands=144),
                                 'lidar': dict(type='synthetic', bands=1, seed=1)})
    assert ds.grid_shape == (349, 1905) and len(ds) == 2832
    assert ds.split_sizes['test'] == 12197
    per_class = np.bincount(ds.get_gt_labels(), minlength=15)
    assert per_class.tolist() == [198, 190, 192, 188, 186, 182, 196, 191, 193, 191, 181, 192,
                                  184, 181, 187]
    assert ds.get_data_info(5)['hsi'].shape == (144, 4, 4)


def test_real_grids_that_do_not_align_raise():
    need(TRENTO)
    need(HOUSTON)
    with pytest.raises(GridMismatchError, match='166x600.*349x1905|349x1905.*166x600'):
        Houston2013(data_root=str(HOUSTON), split='train',
                    modalities={'hsi': dict(type='synthetic', bands=144),
                                'lidar': dict(file=str(TRENTO / 'Italy_lidar.mat'), key='data')})


def test_mdlrs_vectors_match_the_label_masks():
    need(MDLRS)
    need(HOUSTON)
    ds = MDLRSHouston2013Vectors(data_root=str(MDLRS))
    assert len(ds) == 2832 and ds.metainfo['classes'] == HOUSTON2013_CLASSES
    info = ds.get_data_info(0)
    assert info['hsi'].shape == (144, 1, 1) and info['lidar'].shape == (21, 1, 1)
    # rows follow the row-major scan of TRLabel (the data README's claim, checked here)
    tr = sio.loadmat(HOUSTON / 'TRLabel.mat')['TRLabel']
    np.testing.assert_array_equal(ds.get_gt_labels() + 1, tr[tr != 0])
    with pytest.raises(FileNotFoundError, match='HSI_TeSet.mat is not in'):
        MDLRSHouston2013Vectors(data_root=str(MDLRS), subset='test')
    lidar_test = MDLRSHouston2013Vectors(data_root=str(MDLRS), subset='test', modalities=('lidar',))
    assert len(lidar_test) == 12197 and set(lidar_test.get_data_info(0)) >= {'lidar'}


def test_mdlrs_split_files_are_committed_and_normalise_on_train_rows(repo_root):
    need(MDLRS)
    split = repo_root / 'splits/houston2013-mdlrs/trainvec_60-20-20_seed0.json'
    parts = {s: MDLRSHouston2013Vectors(data_root=str(MDLRS), split_file=str(split), split=s)
             for s in ('train', 'val', 'test')}
    assert [len(parts[s]) for s in ('train', 'val', 'test')] == [1702, 565, 565]
    rows = [set(d['pixel_index'] for d in parts[s].data_list) for s in parts]
    assert not (rows[0] & rows[1]) and not (rows[0] & rows[2]) and not (rows[1] & rows[2])
    train_hsi = np.stack([parts['train'].get_data_info(i)['hsi'][:, 0, 0]
                          for i in range(len(parts['train']))])
    np.testing.assert_allclose(train_hsi.min(0), 0, atol=1e-6)
    np.testing.assert_allclose(train_hsi.max(0), 1, atol=1e-6)
