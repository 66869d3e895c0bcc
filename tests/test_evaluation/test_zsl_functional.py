"""ZSL/GZSL metric functions (``rszoo.evaluation.functional.zsl``) against values computed
by hand on a small known confusion (the case and its hand computation: ``helpers/zsl_case.py``).
"""
import numpy as np
import pytest
import torch

from rszoo.evaluation.functional import (ausuc, calibrated_stacking, choose_calibration,
                                         gzsl_accuracies, harmonic_mean, per_class_accuracy,
                                         restricted_predict, zsl_accuracy)

from helpers.zsl_case import (AUSUC, CURVE_S, CURVE_U, H0, LABELS, S0, SCORES, SEEN, U0,
                              UNSEEN, ZSL)


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
