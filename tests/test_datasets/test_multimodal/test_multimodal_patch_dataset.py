"""MultimodalPatchDataset on tiny synthetic .mat files: patch centring, protocols,
train-only normalisation, grid-mismatch errors, windows and the full grid."""
import numpy as np
import pytest
import scipy.io as sio
import torch

from rszoo.datasets.multimodal import GridMismatchError, MultimodalPatchDataset, Trento

H, W = 10, 12


pytestmark = pytest.mark.usefixtures('single_thread_registry')


@pytest.fixture()
def scene(tmp_path):
    rng = np.random.default_rng(0)
    hsi = rng.random((H, W, 5)).astype(np.float32) * 100  # H, W, C as distributed
    lidar = rng.random((H, W, 2)).astype(np.float32) * 3000
    train = np.zeros((H, W), np.uint8)
    test = np.zeros((H, W), np.uint8)
    train[0, 0], train[5, 6], train[9, 11], train[2, 3] = 1, 2, 2, 1
    test[4, 4], test[7, 1], test[1, 10] = 1, 2, 1
    sio.savemat(tmp_path / 'hsi.mat', {'HSI': hsi})
    sio.savemat(tmp_path / 'lidar.mat', {'LiDAR': lidar})
    sio.savemat(tmp_path / 'tr.mat', {'TR': train})
    sio.savemat(tmp_path / 'ts.mat', {'TS': test})
    sio.savemat(tmp_path / 'gt.mat', {'gt': np.maximum(train, test)})
    sio.savemat(tmp_path / 'small.mat', {'LiDAR': lidar[:-1]})
    return tmp_path, hsi, lidar, train, test


def build(root, **kwargs):
    args = dict(modalities={'hsi': dict(file='hsi.mat', key='HSI'),
                            'lidar': dict(file='lidar.mat', key='LiDAR')},
                train_label=dict(file='tr.mat', key='TR'), test_label=dict(file='ts.mat', key='TS'),
                data_root=str(root), metainfo={'classes': ('a', 'b')}, patch_size=4)
    args.update(kwargs)
    return MultimodalPatchDataset(**args)


def test_patches_are_centred_and_normalised_on_training_pixels(scene):
    root, hsi, lidar, train, _ = scene
    ds = build(root, split='test', normalization='minmax')
    assert len(ds) == 3 and ds.split_sizes == {'trainval': 4, 'train': 4, 'val': 0, 'test': 3}
    info = ds.get_data_info(0)
    r, c = info['row'], info['col']
    assert (r, c) == (1, 10) and info['gt_label'] == 0
    assert info['hsi'].shape == (5, 4, 4) and info['lidar'].shape == (2, 4, 4)
    fit = hsi[train > 0]  # (4, 5): the training pixels only
    expected = (hsi[r, c] - fit.min(0)) / (fit.max(0) - fit.min(0))
    # an even patch holds the pixel at index p // 2 (the lower-right centre pixel)
    np.testing.assert_allclose(info['hsi'][:, 2, 2], expected, rtol=1e-5)
    train_ds = build(root, split='train')
    patches = np.stack([train_ds.get_data_info(i)['hsi'][:, 2, 2] for i in range(len(train_ds))])
    np.testing.assert_allclose(patches.min(0), 0, atol=1e-6)
    np.testing.assert_allclose(patches.max(0), 1, atol=1e-6)


def test_border_patches_use_symmetric_padding(scene):
    root, hsi, *_ = scene
    ds = build(root, split='train', normalization='none', patch_size=3)
    info = next(ds.get_data_info(i) for i in range(len(ds)) if ds.data_list[i]['row'] == 0)
    # pixel (0, 0): the row / column above / left mirror row / column 0 (numpy 'symmetric')
    np.testing.assert_allclose(info['hsi'][:, 1, 1], hsi[0, 0])
    np.testing.assert_allclose(info['hsi'][:, 0, 0], hsi[0, 0])
    np.testing.assert_allclose(info['hsi'][:, 2, 2], hsi[1, 1])


def test_grid_mismatch_is_a_clear_error(scene):
    root = scene[0]
    with pytest.raises(GridMismatchError, match=r'lidar \(small.mat:LiDAR\): 9x12.*10x12'):
        build(root, modalities={'hsi': dict(file='hsi.mat', key='HSI'),
                                'lidar': dict(file='small.mat', key='LiDAR')})


def test_per_class_protocol_validation_carve_and_full_grid(scene):
    root = scene[0]
    common = dict(protocol='per_class', gt_label=dict(file='gt.mat', key='gt'), num_per_class=2,
                  val_ratio=0.5, split_seed=1)
    train = build(root, split='train', **common)
    val = build(root, split='val', **common)
    test = build(root, split='test', **common)
    pos = {name: {(d['row'], d['col']) for d in ds.data_list}
           for name, ds in (('train', train), ('val', val), ('test', test))}
    assert len(pos['train']) == 2 and len(pos['val']) == 2 and len(pos['test']) == 3
    assert not (pos['train'] & pos['val']) and not (pos['train'] & pos['test'])
    full = build(root, split='full')
    assert len(full) == H * W and sum(d['gt_label'] < 0 for d in full.data_list) == H * W - 7
    window = build(root, split='full', window=(0, 2, 0, 3))
    assert len(window) == 6


def test_synthetic_modality_and_pipeline(scene):
    root = scene[0]
    ds = build(root, split='train', modalities={'hsi': dict(type='synthetic', bands=7),
                                                'lidar': dict(file='lidar.mat', key='LiDAR')},
               pipeline=[dict(type='RandomFlipRotateBandStack', keys=('hsi', 'lidar')),
                         dict(type='PackMultimodalInputs')])
    sample = ds[0]
    hsi = sample['inputs']['hsi']
    assert hsi.shape == (7, 4, 4) and hsi.dtype == torch.float32
    assert int(sample['data_samples'].gt_label) in (0, 1)
    assert {'row', 'col'} <= set(sample['data_samples'].metainfo)


def test_arguments_are_checked(scene):
    root = scene[0]
    with pytest.raises(ValueError, match='split must be one of'):
        build(root, split='everything')
    with pytest.raises(ValueError, match='needs gt_label'):
        build(root, protocol='per_class')
    with pytest.raises(ValueError, match='class 2 but the data set has 1 classes'):
        build(root, metainfo={'classes': ('only',)})


def test_trento_defaults_name_the_distributed_files(scene):
    root = scene[0]
    with pytest.raises(FileNotFoundError, match='allgrd.mat'):
        Trento(data_root=str(root))
