"""LandCoverMetric: OA, AA, kappa and per-class accuracy against a hand-computed confusion."""
import numpy as np
import pytest
from mmpretrain.structures import DataSample

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported
from rszoo.evaluation.metrics import LandCoverMetric, land_cover_scores  # noqa: E402

# 10 pixels, 3 classes. Confusion (rows = truth, columns = prediction):
#   [[3, 1, 0],     class 0: 4 pixels, 3 right
#    [0, 2, 1],     class 1: 3 pixels, 2 right
#    [1, 0, 2]]     class 2: 3 pixels, 2 right
GT = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
PRED = [0, 0, 0, 1, 1, 1, 2, 0, 2, 2]
OA = 7 / 10
CA = [3 / 4, 2 / 3, 2 / 3]
AA = sum(CA) / 3
# p_e = sum_c row_c * col_c / N^2 = (4*4 + 3*3 + 3*3) / 100 = 0.34
KAPPA = (OA - 0.34) / (1 - 0.34)


def test_scores_match_the_hand_computation():
    scores = land_cover_scores(GT, PRED, 3)
    assert scores['confusion'].tolist() == [[3, 1, 0], [0, 2, 1], [1, 0, 2]]
    assert scores['OA'] == pytest.approx(100 * OA)
    assert scores['AA'] == pytest.approx(100 * AA)
    assert scores['kappa'] == pytest.approx(100 * KAPPA)
    np.testing.assert_allclose(scores['CA'], 100 * np.array(CA))


def test_metric_through_mmengine_samples():
    metric = LandCoverMetric()
    metric.dataset_meta = {'classes': ('grass', 'road', 'water')}
    samples = [DataSample().set_gt_label(g).set_pred_label(p) for g, p in zip(GT, PRED)]
    samples.append(DataSample().set_pred_label(1))  # an unlabelled pixel: skipped
    metric.process(None, [s.to_dict() for s in samples[:5]])
    metric.process(None, samples[5:])
    out = metric.evaluate(len(samples))
    assert out['OA'] == pytest.approx(70.0) and out['AA'] == pytest.approx(100 * AA)
    assert out['kappa'] == pytest.approx(100 * KAPPA)
    assert out['CA/grass'] == pytest.approx(75.0) and out['CA/water'] == pytest.approx(200 / 3)


def test_absent_classes_and_degenerate_cases():
    scores = land_cover_scores([0, 0, 1], [0, 1, 1], 4)  # classes 2 and 3 never occur
    assert np.isnan(scores['CA'][2]) and scores['AA'] == pytest.approx(75.0)
    assert land_cover_scores([1, 1], [1, 1], 2)['kappa'] == 100.0
    with pytest.raises(ValueError, match='non-empty'):
        land_cover_scores([], [], 2)
    metric = LandCoverMetric(num_classes=2)
    with pytest.raises(ValueError, match='no labelled sample'):
        metric.compute_metrics([])
