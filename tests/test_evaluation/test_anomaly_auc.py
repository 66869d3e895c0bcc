"""AnomalyAUC and its functions on hand-made score/label pairs: exact
AUC(D,F) (sklearn) and AUC(F,tau), the authors' 30,000-threshold sweep, the
per-scene keys and the saved maps."""
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.evaluation.metrics.anomaly_auc import (AnomalyAUC, auc_df, auc_ftau, scene_metrics,
                                                  threshold_sweep)

SCORES = np.array([0.1, 0.4, 0.35, 0.8])
LABELS = np.array([0, 0, 1, 1])


def test_hand_made_pair():
    # pairs (anomaly > background): 0.35>0.1, 0.8>0.1, 0.8>0.4 -> 3 of 4
    assert auc_df(SCORES, LABELS) == pytest.approx(0.75)
    # minmax: 0.1 -> 0, 0.4 -> 3/7; background mean 3/14
    assert auc_ftau(SCORES, LABELS) == pytest.approx(3 / 14)
    sweep = threshold_sweep(SCORES, LABELS)
    assert sweep['auc_df'] == pytest.approx(0.75, abs=1e-4)
    assert sweep['auc_ftau'] == pytest.approx(3 / 14, abs=1e-4)
    # AUC(D,tau) = mean minmax over anomalies = (0.25/0.7 + 1) / 2
    assert sweep['auc_dtau'] == pytest.approx((0.25 / 0.7 + 1) / 2, abs=1e-4)
    assert sweep['snpr'] == pytest.approx(10 * np.log10(sweep['auc_dtau'] / sweep['auc_ftau']))


def test_perfect_inverted_and_ties():
    labels = np.array([0] * 6 + [1] * 2)
    assert auc_df(np.arange(8.), labels) == 1.0
    assert auc_df(-np.arange(8.), labels) == 0.0
    assert auc_df(np.ones(8), labels) == 0.5
    assert threshold_sweep(np.arange(8.), labels)['auc_df'] == pytest.approx(1.0)


def test_sweep_agrees_with_exact_on_a_random_map():
    rng = np.random.default_rng(0)
    labels = (rng.random((50, 50)) < 0.02).astype(np.uint8)
    scores = rng.random((50, 50)) + labels * 0.5
    m = scene_metrics(scores, labels)
    assert m['auc_df_sweep'] == pytest.approx(m['auc_df'], abs=1e-3)
    assert m['auc_ftau_sweep'] == pytest.approx(m['auc_ftau'], abs=1e-4)


def test_errors():
    with pytest.raises(ValueError, match='both anomaly and background'):
        auc_df(SCORES, np.zeros(4))
    with pytest.raises(ValueError, match='score has 3 values, label 4'):
        auc_df(SCORES[:3], LABELS)
    with pytest.raises(ValueError, match='0/1'):
        auc_df(SCORES, np.array([0, 2, 1, 1]))


def test_metric_per_scene_keys_and_saved_maps(tmp_path):
    metric = AnomalyAUC(out_dir=str(tmp_path))
    samples = []
    for name, flip in (('s1', False), ('s2', True)):
        s = DataSample(metainfo=dict(scene=name, infer_s=0.5))
        score = torch.tensor(SCORES if not flip else -SCORES).reshape(2, 2)
        s.set_field(score, 'pred_anomaly_map')
        s.set_field(torch.tensor(LABELS).reshape(2, 2), 'gt_anomaly_map')
        samples.append(s)
    metric.process(None, samples)
    out = metric.evaluate(2)
    assert out['had/auc_df/s1'] == pytest.approx(0.75)
    assert out['had/auc_df/s2'] == pytest.approx(0.25)
    assert out['had/auc_df'] == pytest.approx(0.5)
    assert out['had/infer_s/s1'] == 0.5
    np.testing.assert_allclose(np.load(tmp_path / 's1.npy'), SCORES.reshape(2, 2), rtol=1e-6)


def test_metric_shape_mismatch():
    metric = AnomalyAUC()
    s = DataSample(metainfo=dict(scene='x'))
    s.set_field(torch.zeros(2, 3), 'pred_anomaly_map')
    s.set_field(torch.zeros(2, 2), 'gt_anomaly_map')
    with pytest.raises(ValueError, match=r'scene x.*\(2, 3\).*\(2, 2\)'):
        metric.process(None, [s])
