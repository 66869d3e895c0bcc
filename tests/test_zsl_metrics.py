"""ZSL/GZSL metric functions (rszoo.evaluation.functional.zsl) and ZSLMetric
against values computed by hand on a small known confusion.

The case: 4 classes, seen = {0, 1}, unseen = {2, 3}, 10 samples with integer
scores (so margins are exact). ``m`` = max seen score - max unseen score.

    sample  y  scores [s0 s1 s2 s3]  seen-argmax  unseen-argmax   m   gamma=0 pred
    a       0  [9 0 1 0]             0 (right)    2               8   0 right
    b       0  [5 0 3 2]             0 (right)    2               2   0 right
    c       0  [2 6 1 1]             1 (wrong)    2               5   1 wrong
    d       1  [0 4 6 0]             1 (right)    2              -2   2 wrong
    e       1  [1 7 0 2]             1 (right)    3               5   1 right
    f       2  [0 1 8 1]             0            2 (right)      -7   2 right
    g       2  [6 0 3 1]             0            2 (right)       3   0 wrong
    h       2  [0 2 1 7]             1            3 (wrong)      -5   3 wrong
    i       3  [0 5 0 4]             1            3 (right)       1   1 wrong
    j       3  [3 0 0 9]             0            3 (right)      -6   3 right

gamma = 0 (all four classes are candidates):
    S = mean(class 0: 2/3, class 1: 1/2) = 7/12 = 58.333 %
    U = mean(class 2: 1/3, class 3: 1/2) = 5/12 = 41.667 %
    H = 2 (7/12)(5/12) / (12/12) = 35/72 = 48.611 %
ZSL (unseen-class samples, unseen classes only): f, g right, h wrong; i, j right:
    mean(2/3, 2/2) = 5/6 = 83.333 %
S_max (gamma -> -inf, seen-argmax on seen samples) = mean(2/3, 2/2) = 5/6.

Seen-unseen curve: a correct seen-class sample is lost when gamma passes its
margin (d at -2: -1/4, b at 2: -1/6, e at 5: -1/4, a at 8: -1/6, in S); a
correct unseen-class sample is won (f at -7: +1/6, j at -6: +1/4, i at 1: +1/4,
g at 3: +1/6, in U). Distinct margins -7 -6 -5 -2 1 2 3 5 8 give 10 points:

    interval   (-inf,-7) (-7,-6) (-6,-5) (-5,-2) (-2,1) (1,2)  (2,3)  (3,5)  (5,8)  (8,inf)
    S           5/6       5/6     5/6     5/6     7/12   7/12   5/12   5/12   1/6    0
    U           0         1/6     5/12    5/12    5/12   2/3    2/3    5/6    5/6    5/6
    H           0         5/18    5/9     5/9     35/72  28/45  20/39  5/9    5/18   0

AUSUC (U on x, S on y; trapezoids where U changes):
    (1/6)(5/6) + (1/4)(5/6) + (1/4)(7/12) + (1/6)(5/12)
    = 20/144 + 30/144 + 21/144 + 10/144 = 81/144 = 9/16 -> 56.25
The best H is 28/45 = 62.222 % on (1, 2): choose_calibration returns the
midpoint gamma = 1.5 (S = 58.333, U = 66.667).
"""
import json

import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.evaluation.functional import (ausuc, calibrated_stacking, choose_calibration,
                                         gzsl_accuracies, harmonic_mean, per_class_accuracy,
                                         restricted_predict, zsl_accuracy)
from rszoo.evaluation.metrics import ZSLMetric
from rszoo.registry import METRICS

SCORES = np.array([
    [9, 0, 1, 0], [5, 0, 3, 2], [2, 6, 1, 1], [0, 4, 6, 0], [1, 7, 0, 2],
    [0, 1, 8, 1], [6, 0, 3, 1], [0, 2, 1, 7], [0, 5, 0, 4], [3, 0, 0, 9]], dtype=float)
LABELS = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 3])
SEEN, UNSEEN = [0, 1], [2, 3]
S0, U0, H0 = 100 * 7 / 12, 100 * 5 / 12, 100 * 35 / 72
ZSL = 100 * 5 / 6
CURVE_S = 100 * np.array([5 / 6, 5 / 6, 5 / 6, 5 / 6, 7 / 12, 7 / 12, 5 / 12, 5 / 12, 1 / 6, 0])
CURVE_U = 100 * np.array([0, 1 / 6, 5 / 12, 5 / 12, 5 / 12, 2 / 3, 2 / 3, 5 / 6, 5 / 6, 5 / 6])
AUSUC = 56.25


# -- functions -----------------------------------------------------------------
def test_per_class_accuracy_excludes_empty_classes():
    pred = np.array([0, 0, 1, 2, 2])
    labels = np.array([0, 1, 1, 2, 2])
    # class 0: 1/1, class 1: 1/2, class 2: 2/2; class 3 has no sample and is left out
    assert per_class_accuracy(pred, labels, [0, 1, 2, 3]) == pytest.approx(100 * 2.5 / 3)
    assert per_class_accuracy(pred, labels, [1]) == pytest.approx(50.)
    assert np.isnan(per_class_accuracy(pred, labels, [3]))
    # per-class mean, not overall accuracy (which would be 4/5 here)
    assert per_class_accuracy(pred, labels, [0, 1, 2]) != pytest.approx(80.)


def test_restricted_predict_and_ties():
    scores = np.array([[1., 5., 3., 3.], [2., 2., 2., 2.]])
    assert restricted_predict(scores, [2, 3]).tolist() == [2, 2]  # tie -> smaller index
    assert restricted_predict(scores, [3, 0]).tolist() == [3, 0]


def test_zsl_accuracy_hand_computed():
    assert zsl_accuracy(SCORES, LABELS, UNSEEN) == pytest.approx(ZSL)
    # torch input, and seen-class samples do not matter
    assert zsl_accuracy(torch.tensor(SCORES[5:]), torch.tensor(LABELS[5:]),
                        UNSEEN) == pytest.approx(ZSL)


def test_gzsl_accuracies_hand_computed():
    r = gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN)
    assert r['seen'] == pytest.approx(S0)
    assert r['unseen'] == pytest.approx(U0)
    assert r['H'] == pytest.approx(H0)
    assert r['H'] == pytest.approx(harmonic_mean(S0, U0))
    assert harmonic_mean(0., 0.) == 0.


def test_calibrated_stacking():
    out = calibrated_stacking(SCORES, SEEN, 2.)
    assert np.array_equal(out[:, :2], SCORES[:, :2] - 2) and np.array_equal(out[:, 2:],
                                                                             SCORES[:, 2:])
    t = calibrated_stacking(torch.tensor(SCORES), SEEN, 2.)
    assert isinstance(t, torch.Tensor) and torch.equal(t, torch.tensor(out))
    # gamma > 0 moves samples to the unseen classes: U rises, S falls or stays
    r0 = gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN, 0.)
    r15 = gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN, 1.5)
    r25 = gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN, 2.5)
    assert r15['unseen'] == pytest.approx(100 * 2 / 3) and r15['unseen'] > r0['unseen']
    assert r15['seen'] == pytest.approx(r0['seen'])
    assert r25['seen'] == pytest.approx(100 * 5 / 12) and r25['seen'] < r0['seen']
    assert r25['unseen'] == pytest.approx(100 * 2 / 3)
    # extreme gammas: everything seen / everything unseen
    lo = gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN, -100.)
    hi = gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN, 100.)
    assert (lo['seen'], lo['unseen'], lo['H']) == (pytest.approx(100 * 5 / 6), 0., 0.)
    assert (hi['seen'], hi['unseen']) == (0., pytest.approx(ZSL))


def test_ausuc_hand_computed():
    area, curve = ausuc(SCORES, LABELS, SEEN, UNSEEN)
    assert area == pytest.approx(AUSUC)
    np.testing.assert_allclose(curve['seen'], CURVE_S)
    np.testing.assert_allclose(curve['unseen'], CURVE_U)
    np.testing.assert_array_equal(curve['margins'], [-7, -6, -5, -2, 1, 2, 3, 5, 8])
    np.testing.assert_array_equal(curve['gamma'], [-np.inf, -6.5, -5.5, -3.5, -0.5, 1.5,
                                                   2.5, 4, 6.5, np.inf])
    assert curve['H'][5] == pytest.approx(100 * 28 / 45)
    # endpoints: (S_max, 0) and (0, U_max = ZSL accuracy)
    assert (curve['unseen'][0], curve['seen'][-1]) == (0., 0.)
    assert curve['unseen'][-1] == pytest.approx(zsl_accuracy(SCORES, LABELS, UNSEEN))


def test_ausuc_curve_matches_gzsl_and_perfect_case():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(60, 6)).astype(np.float32)
    labels = rng.integers(0, 6, size=60)
    seen, unseen = [0, 2, 5], [1, 3, 4]
    area, curve = ausuc(scores, labels, seen, unseen)
    for gamma, s, u in zip(curve['gamma'][1:-1], curve['seen'][1:-1], curve['unseen'][1:-1]):
        r = gzsl_accuracies(scores, labels, seen, unseen, gamma)
        assert (r['seen'], r['unseen']) == (pytest.approx(s), pytest.approx(u))
    assert np.all(np.diff(curve['seen']) <= 1e-9) and np.all(np.diff(curve['unseen']) >= -1e-9)
    assert 0. <= area <= 100.
    # a perfect classifier has AUSUC 100 (the full unit square)
    perfect = np.eye(6)[labels] * 5.
    assert ausuc(perfect, labels, seen, unseen)[0] == pytest.approx(100.)


def test_choose_calibration_picks_best_h():
    gamma, r = choose_calibration(SCORES, LABELS, SEEN, UNSEEN)
    assert gamma == pytest.approx(1.5)
    assert r['H'] == pytest.approx(100 * 28 / 45)
    assert (r['seen'], r['unseen']) == (pytest.approx(S0), pytest.approx(100 * 2 / 3))
    # a grid: gamma = 1 is an exact tie for sample i (s1 - 1 = s3 = 4), which goes to the
    # smaller index (class 1, wrong), so 1 gives the gamma = 0 numbers
    gamma, r = choose_calibration(SCORES, LABELS, SEEN, UNSEEN, gammas=[0., 1., 4., 1.5])
    assert gamma == 1.5 and r['H'] == pytest.approx(100 * 28 / 45)
    assert gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN, 1.)['H'] == pytest.approx(H0)
    # ties go to the smallest |gamma|
    assert choose_calibration(SCORES, LABELS, SEEN, UNSEEN, gammas=[1.8, 1.2])[0] == 1.2
    assert choose_calibration(SCORES, LABELS, SEEN, UNSEEN, gammas=[-1.5, 0.5, 0.])[0] == 0.
    # criterion 'mean' = (S + U) / 2: 15/24 = 62.5 % on four intervals, (-6, -5), (-5, -2),
    # (1, 2) and (3, 5) (midpoints -5.5, -3.5, 1.5, 4); the tie goes to the smallest |gamma|
    gamma, r = choose_calibration(SCORES, LABELS, SEEN, UNSEEN, criterion='mean')
    assert gamma == pytest.approx(1.5) and (r['seen'] + r['unseen']) / 2 == pytest.approx(62.5)
    gamma, r = choose_calibration(SCORES, LABELS, SEEN, UNSEEN, gammas=[-5.5, 4., 10.],
                                  criterion='mean')
    assert gamma == 4. and (r['seen'], r['unseen']) == (pytest.approx(100 * 5 / 12),
                                                        pytest.approx(100 * 5 / 6))
    with pytest.raises(ValueError, match='criterion'):
        choose_calibration(SCORES, LABELS, SEEN, UNSEEN, criterion='S')


def test_score_scale_only_rescales_gamma():
    """Probabilities, percentages or logits: accuracies are percentages either
    way; gamma is in the units of the scores."""
    scaled = SCORES * 100.
    assert gzsl_accuracies(scaled, LABELS, SEEN, UNSEEN, 150.) == pytest.approx(
        gzsl_accuracies(SCORES, LABELS, SEEN, UNSEEN, 1.5))
    assert ausuc(scaled, LABELS, SEEN, UNSEEN)[0] == pytest.approx(AUSUC)
    assert choose_calibration(scaled, LABELS, SEEN, UNSEEN)[0] == pytest.approx(150.)
    assert zsl_accuracy(SCORES / 10., LABELS, UNSEEN) == pytest.approx(ZSL)


def test_function_errors():
    with pytest.raises(ValueError, match='both seen and unseen'):
        gzsl_accuracies(SCORES, LABELS, [0, 1, 2], [2, 3])
    with pytest.raises(ValueError, match='neither seen nor unseen'):
        gzsl_accuracies(SCORES, LABELS, [0], [2, 3])
    with pytest.raises(ValueError, match='outside'):
        zsl_accuracy(SCORES, LABELS, [2, 4])
    with pytest.raises(ValueError, match=r'\(N, C\)'):
        zsl_accuracy(SCORES[0], LABELS[:1], UNSEEN)
    with pytest.raises(ValueError, match='finite'):
        ausuc(np.where(SCORES > 8, -np.inf, SCORES), LABELS, SEEN, UNSEEN)
    with pytest.raises(ValueError, match='labels for'):
        zsl_accuracy(SCORES, LABELS[:3], UNSEEN)


# -- ZSLMetric -----------------------------------------------------------------
def predictions(scores=SCORES, labels=LABELS):
    return [DataSample().set_pred_score(torch.tensor(s, dtype=torch.float32))
            .set_gt_label(int(y)).to_dict() for s, y in zip(scores, labels)]


def run_metric(metric, samples=None):
    samples = predictions() if samples is None else samples
    for start in range(0, len(samples), 4):  # batches of 4
        metric.process(None, samples[start:start + 4])
    return metric.evaluate(len(samples))


def test_zsl_metric_through_evaluate():
    metric = METRICS.build(dict(type='ZSLMetric', seen_indices=SEEN, unseen_indices=UNSEEN))
    assert isinstance(metric, ZSLMetric)
    out = run_metric(metric)
    assert set(out) == {'zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/ausuc'}
    assert out['zsl/top1'] == pytest.approx(ZSL)
    assert out['gzsl/seen'] == pytest.approx(S0)
    assert out['gzsl/unseen'] == pytest.approx(U0)
    assert out['gzsl/H'] == pytest.approx(H0)
    assert out['gzsl/ausuc'] == pytest.approx(AUSUC)
    assert metric.results == []  # cleared after evaluate


def test_zsl_metric_calibrated_modes_and_prefixes():
    metric = ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, calibration_gamma=1.5)
    out = run_metric(metric)
    assert out['gzsl/H'] == pytest.approx(100 * 28 / 45)
    assert out['gzsl/H_gamma0'] == pytest.approx(H0)
    assert out['zsl/top1'] == pytest.approx(ZSL)  # calibration does not touch ZSL
    out = run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, mode='zsl'))
    assert out == {'zsl/top1': pytest.approx(ZSL)}
    out = run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, mode='gzsl',
                               ausuc=False, gzsl_prefix='val_gzsl'))
    assert set(out) == {'val_gzsl/seen', 'val_gzsl/unseen', 'val_gzsl/H'}


def test_zsl_metric_classes_from_split_file_and_dataset_meta(tmp_path):
    path = tmp_path / 'split.json'
    path.write_text(json.dumps(dict(dataset='toy', classes=['a', 'b', 'c', 'd'],
                                    seen=['b', 'a'], unseen=['d', 'c'])))
    metric = ZSLMetric(class_split=str(path))
    metric.dataset_meta = dict(classes=('a', 'b', 'c', 'd'))
    out = run_metric(metric)
    assert out['gzsl/H'] == pytest.approx(H0) and out['zsl/top1'] == pytest.approx(ZSL)

    metric = ZSLMetric()  # from the data set metainfo (rszoo's zero-shot data sets)
    metric.dataset_meta = dict(classes=('a', 'b', 'c', 'd'), seen_indices=[0, 1],
                               unseen_indices=[2, 3])
    assert run_metric(metric)['gzsl/ausuc'] == pytest.approx(AUSUC)

    metric = ZSLMetric(class_split=str(path))
    metric.dataset_meta = dict(classes=('a', 'b', 'd', 'c'))
    with pytest.raises(ValueError, match='differ'):
        run_metric(metric)
    with pytest.raises(ValueError, match='no seen/unseen classes'):
        run_metric(ZSLMetric())


def test_zsl_metric_errors():
    with pytest.raises(ValueError, match=r'C = 4'):
        run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN),
                   predictions(SCORES[:, :3]))
    with pytest.raises(ValueError, match='both seen and unseen'):
        ZSLMetric(seen_indices=[0, 1], unseen_indices=[1, 2])
    with pytest.raises(ValueError, match='mode'):
        ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, mode='top5')
    with pytest.raises(ValueError, match='both seen_indices and unseen_indices'):
        ZSLMetric(seen_indices=SEEN)
    with pytest.raises(FileNotFoundError):
        ZSLMetric(class_split='no/such/split.json')
    metric = ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN)
    with pytest.raises(KeyError, match='pred_score'):
        metric.process(None, [DataSample().set_gt_label(0).set_pred_label(0).to_dict()])


def test_zsl_metric_on_a_validation_subset_of_the_classes():
    """A validation split (seen minus val_unseen / val_unseen) leaves the unseen
    test classes out: they are no candidates, and the numbers equal the
    functions' on the same columns."""
    from rszoo.evaluation.functional import gzsl_accuracies, zsl_accuracy
    keep = np.isin(LABELS, [0, 2])
    samples = predictions(SCORES[keep], LABELS[keep])
    metric = ZSLMetric()
    metric.dataset_meta = dict(classes=('a', 'b', 'c', 'd'), seen_indices=[0],
                               unseen_indices=[2])
    result = run_metric(metric, samples)
    expected = gzsl_accuracies(SCORES[keep], LABELS[keep], [0], [2])
    assert result['gzsl/seen'] == pytest.approx(expected['seen'])
    assert result['gzsl/unseen'] == pytest.approx(expected['unseen'])
    unseen = LABELS[keep] == 2
    assert result['zsl/top1'] == pytest.approx(
        zsl_accuracy(SCORES[keep][unseen], LABELS[keep][unseen], [2]))
