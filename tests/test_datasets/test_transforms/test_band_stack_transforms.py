"""Band-stack transforms: any band count, one draw for all modalities, CHW / HWC, packing."""
import numpy as np
import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()
from rszoo.datasets.transforms import (PackMultimodalInputs,  # noqa: E402
                                       RandomFlipRotateBandStack, TransposeBandStack)


def stacks(layout='CHW'):
    rng = np.random.default_rng(0)
    hsi = rng.random((144, 6, 6)).astype(np.float32)
    lidar = hsi[:2] * 10  # LiDAR = a function of the same pixels: alignment is checkable
    if layout == 'HWC':
        hsi, lidar = hsi.transpose(1, 2, 0), lidar.transpose(1, 2, 0)
    return hsi, lidar


@pytest.mark.parametrize('layout', ['CHW', 'HWC'])
def test_flip_rotate_applies_one_draw_to_every_modality(layout):
    np.random.seed(3)
    t = RandomFlipRotateBandStack(keys=('hsi', 'lidar'), layout=layout, flip_prob=1.0,
                                  rot_prob=1.0)
    hsi, lidar = stacks(layout)
    out = t({'hsi': hsi.copy(), 'lidar': lidar.copy()})
    axis = 0 if layout == 'CHW' else 2
    assert out['hsi'].shape == hsi.shape and out['rot90_k'] in (1, 2, 3)
    np.testing.assert_allclose(np.take(out['hsi'], [0, 1], axis=axis) * 10, out['lidar'],
                               rtol=1e-6)
    assert not np.array_equal(out['hsi'], hsi)
    none = RandomFlipRotateBandStack(flip_prob=0.0, rot_prob=0.0)({'hsi': hsi.copy()})
    np.testing.assert_array_equal(none['hsi'], hsi)  # a missing modality is skipped


def test_transpose_and_errors():
    hsi, _ = stacks('HWC')
    out = TransposeBandStack(keys=('hsi', ), src='HWC', dst='CHW')({'hsi': hsi})
    assert out['hsi'].shape == (144, 6, 6)
    with pytest.raises(ValueError, match='3-D band stack'):
        RandomFlipRotateBandStack(keys=('hsi', ))({'hsi': np.zeros((6, 6))})
    with pytest.raises(ValueError, match='layout'):
        RandomFlipRotateBandStack(layout='NCHW')


def test_pack_multimodal_inputs():
    hsi, lidar = stacks()
    packed = PackMultimodalInputs()({'hsi': hsi, 'lidar': lidar, 'modalities': ('hsi', 'lidar'),
                                     'gt_label': 4, 'row': 2, 'col': 3})
    assert set(packed['inputs']) == {'hsi', 'lidar'}
    hsi_tensor = packed['inputs']['hsi']
    assert hsi_tensor.dtype == torch.float32 and hsi_tensor.shape[0] == 144
    assert int(packed['data_samples'].gt_label) == 4 and packed['data_samples'].row == 2
    lidar_only = PackMultimodalInputs()({'lidar': lidar, 'modalities': ('hsi', 'lidar'),
                                         'gt_label': -1})
    assert set(lidar_only['inputs']) == {'lidar'} and 'gt_label' not in lidar_only['data_samples']
    with pytest.raises(KeyError, match='none of the modalities'):
        PackMultimodalInputs(keys=('sar', ))({'hsi': hsi})
