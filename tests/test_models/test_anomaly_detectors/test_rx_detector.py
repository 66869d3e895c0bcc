"""Global RX: a property on synthetic data, and rszoo's RX (data set + model +
metric) against an independent plain numpy + sklearn global RX on 3 real scenes
(values of ../shared/papers/stad.md section 9)."""
import numpy as np
import pytest
import torch
from scipy.io import loadmat
from sklearn.metrics import roc_auc_score

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from conftest import shared_data_root  # noqa: E402
from rszoo.datasets import HyperspectralAnomalyDataset  # noqa: E402
from rszoo.evaluation.metrics import AnomalyAUC  # noqa: E402
from rszoo.models.anomaly_detectors import RXDetector  # noqa: E402
from rszoo.models.utils import global_rx  # noqa: E402

HAD = shared_data_root() / 'had-abu-hydice-sandiego'
EXPECTED = {'abu-airport-1': 0.822, 'abu-beach-3': 1.000, 'abu-urban-2': 0.995}


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def independent_rx_auc(path):
    """Textbook global RX, written here without rszoo."""
    mat = loadmat(path)
    x = mat['data'].astype(np.float64)
    x = x.reshape(-1, x.shape[2])
    x = (x - x.min()) / (x.max() - x.min())
    z = x - x.mean(axis=0)
    cov = z.T @ z / (x.shape[0] - 1)
    d = np.sum(np.linalg.solve(cov, z.T).T * z, axis=1)
    return roc_auc_score(mat['map'].ravel(), d)


def test_global_rx_sums_to_n_minus_1_times_bands():
    rng = np.random.default_rng(0)
    cube = rng.normal(size=(12, 10, 5)) @ rng.normal(size=(5, 5)) + 3
    d = global_rx(cube)
    assert d.shape == (12, 10) and (d >= 0).all()
    # sum_p z_p^T S^-1 z_p = trace(S^-1 Z^T Z) = (n - 1) * B
    assert d.sum() == pytest.approx((120 - 1) * 5, rel=1e-9)
    # affine invariance: a scaled, shifted cube gives the same map
    np.testing.assert_allclose(global_rx(cube * 7 - 2, normalize=False), d, rtol=1e-6)
    with pytest.raises(ValueError, match=r'expected a \(H, W, B\) cube'):
        global_rx(np.zeros((4, 4)))


def test_rx_detector_modes():
    rx = RXDetector()
    cube = torch.rand(3, 6, 7)
    maps = rx([cube], mode='tensor')
    assert maps[0].shape == (6, 7)
    with pytest.raises(RuntimeError, match='nothing to train'):
        rx([cube], mode='loss')


def test_rx_auc_equals_independent_global_rx_on_3_real_scenes():
    if not (HAD / 'abu-airport-1.mat').is_file():
        pytest.skip(f'HAD scenes not found at {HAD} (set RSZOO_DATA_ROOT)')
    ds = HyperspectralAnomalyDataset(data_root=str(HAD), scenes=list(EXPECTED), bands=None)
    model, metric = RXDetector(), AnomalyAUC()
    for i in range(len(ds)):
        item = ds[i]
        metric.process(None, model([item['inputs']], [item['data_samples']], mode='predict'))
    out = metric.evaluate(len(ds))
    for scene, expected in EXPECTED.items():
        ours = out[f'had/auc_df/{scene}']
        reference = independent_rx_auc(str(HAD / f'{scene}.mat'))
        assert round(ours, 3) == round(reference, 3), scene
        assert round(ours, 3) == expected, scene
        assert out[f'had/auc_df_sweep/{scene}'] == pytest.approx(ours, abs=2e-3)
