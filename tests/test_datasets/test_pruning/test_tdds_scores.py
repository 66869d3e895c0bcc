"""TDDS scoring (rszoo.datasets.pruning.tdds) on hand-made trajectories, with the
expected values worked out by hand in the comments; and the coreset selection
helpers (rszoo.datasets.pruning.coreset)."""
import math

import numpy as np
import pytest
import torch

from rszoo.datasets.pruning import (keep_count, random_subset, select_highest,
                                    tdds_contribution, tdds_contributions, tdds_scores,
                                    tdds_window_variability, tdds_window_weights)

LN = math.log


def test_contribution_by_hand_abs_and_kl():
    # sample 0: p_t = (0.5, 0.5) -> p_{t+1} = (0.8, 0.2)
    #   |.|: 0.8 |ln 1.6| + 0.2 |ln 0.4| = 0.8 ln 1.6 + 0.2 ln 2.5 = 0.559261
    #   KL : 0.8 ln 1.6 - 0.2 ln 2.5                                = 0.192745
    # sample 1: unchanged outputs -> 0
    # sample 2: p_t = (1, 0) -> (0.5, 0.5); eps = 1e-8 keeps log(0) finite:
    #   |.|: 0.5 (ln 0.5 - ln 1e-8) + 0.5 |ln 0.5 - ln 1| = 4 ln 10  = 9.210340
    #   KL : 0.5 (ln 0.5 - ln 1e-8) + 0.5 ln 0.5 = ln 0.5 + 4 ln 10 = 8.517193
    prev = np.array([[0.5, 0.5], [0.3, 0.7], [1.0, 0.0]])
    nxt = np.array([[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]])
    absolute = tdds_contribution(prev, nxt)
    kl = tdds_contribution(prev, nxt, absolute=False)
    np.testing.assert_allclose(absolute, [0.8 * LN(1.6) + 0.2 * LN(2.5), 0.0, 4 * LN(10)],
                               rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(absolute, [0.5592610, 0.0, 9.2103404], rtol=1e-6)
    np.testing.assert_allclose(kl, [0.1927448, 0.0, 8.5171932], rtol=1e-6, atol=1e-9)
    # torch input, float32, gives the same (float64 maths)
    np.testing.assert_allclose(
        tdds_contribution(torch.tensor(prev, dtype=torch.float32),
                          torch.tensor(nxt, dtype=torch.float32)), absolute, rtol=1e-6)


def test_window_variability_and_score_by_hand():
    # one sample, T = 5 epochs -> 4 contributions c = (1, 3, 2, 6); W = 3: each window
    # holds W-1 = 2 contributions, windows k = 0 .. T-W = 0, 1, 2:
    #   k=0: (1, 3) mean 2   R = sqrt(1 + 1)       = sqrt 2
    #   k=1: (3, 2) mean 2.5 R = sqrt(.25 + .25)   = sqrt 0.5
    #   k=2: (2, 6) mean 4   R = sqrt(4 + 4)       = sqrt 8
    # S = sum_k beta (1-beta)^(2-k) R_k
    #   beta = 0.5: 0.125 sqrt2 + 0.25 sqrt.5 + 0.5 sqrt8 = 1.25 sqrt2  = 1.767767
    #   beta = 0.9: 0.009 sqrt2 + 0.09 sqrt.5 + 0.9 sqrt8 = 1.854 sqrt2 = 2.621952
    # sample 1 has constant contributions: every R_k = 0, S = 0
    c = np.array([[1.0, 3.0, 2.0, 6.0], [0.7, 0.7, 0.7, 0.7]]).T  # (T-1, N) = (4, 2)
    variability = tdds_window_variability(c, window=3)
    assert variability.shape == (3, 2)
    np.testing.assert_allclose(variability[:, 0], [math.sqrt(2), math.sqrt(0.5), math.sqrt(8)])
    np.testing.assert_allclose(variability[:, 1], 0.0, atol=1e-12)
    np.testing.assert_allclose(tdds_window_weights(3, 0.5), [0.125, 0.25, 0.5])
    np.testing.assert_allclose(tdds_scores(c, window=3, decay=0.5), [1.7677670, 0.0],
                               rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(tdds_scores(c, window=3, decay=0.9), [2.6219519, 0.0],
                               rtol=1e-7, atol=1e-12)


def test_only_the_first_T_epochs_count():
    # a 6th recorded epoch (contribution 100) is ignored with num_epochs T = 5
    c = np.array([[1.0, 3.0, 2.0, 6.0, 100.0]]).T
    assert tdds_scores(c, window=3, decay=0.5, num_epochs=5)[0] == pytest.approx(
        1.25 * math.sqrt(2))
    assert tdds_scores(c, window=3, decay=0.5)[0] != pytest.approx(1.25 * math.sqrt(2))


def test_score_from_probabilities_by_hand():
    # one sample, T = 4, outputs (0.5,0.5) -> (0.8,0.2) -> (0.5,0.5) -> (0.8,0.2):
    #   c0 = c2 = 0.8 ln1.6 + 0.2 ln2.5 = 0.559261,
    #   c1 = 0.5 ln1.6 + 0.5 ln2.5 = 0.5 ln4 = ln 2 = 0.693147
    # W = 3: windows (c0, c1), (c1, c2), each R = |c1 - c0| / sqrt 2 = 0.094672
    # beta = 0.5: S = 0.25 R + 0.5 R = 0.75 R = 0.071004
    probs = np.array([[[0.5, 0.5]], [[0.8, 0.2]], [[0.5, 0.5]], [[0.8, 0.2]]])  # (T, N, C)
    c = tdds_contributions(probs)
    assert c.shape == (3, 1)
    c0 = 0.8 * LN(1.6) + 0.2 * LN(2.5)
    np.testing.assert_allclose(c[:, 0], [c0, LN(2), c0], rtol=1e-7)
    score = tdds_scores(c, window=3, decay=0.5)
    np.testing.assert_allclose(score, [0.75 * (LN(2) - c0) / math.sqrt(2)], rtol=1e-7)
    np.testing.assert_allclose(score, [0.0710038], rtol=1e-6)


def test_deviation_norm_is_sqrt_w_minus_1_times_population_std():
    rng = np.random.default_rng(0)
    c = rng.random((11, 5))
    window = 4
    variability = tdds_window_variability(c, window)
    expected = np.stack([c[k:k + window - 1].std(axis=0) * math.sqrt(window - 1)
                         for k in range(12 - window + 1)])
    np.testing.assert_allclose(variability, expected, rtol=1e-12)


def test_errors_name_the_shapes():
    c = np.ones((4, 2))
    with pytest.raises(ValueError, match=r'window W=2 must satisfy 3 <= W <= T=5'):
        tdds_scores(c, window=2)
    with pytest.raises(ValueError, match=r'window W=6 must satisfy 3 <= W <= T=5'):
        tdds_scores(c, window=6)
    with pytest.raises(ValueError, match=r'num_epochs T=7 must be in \[2, 5\].*\(4, 2\)'):
        tdds_scores(c, window=3, num_epochs=7)
    with pytest.raises(ValueError, match='must have 2 dimensions, got shape'):
        tdds_scores(np.ones(4), window=3)
    c[2, 1] = np.nan  # sample 1 unseen at epoch 2 or 3
    with pytest.raises(ValueError, match=r'1 sample\(s\).*sample 1 at transition 2 -> 3'):
        tdds_scores(c, window=3)
    assert np.isfinite(tdds_scores(c, window=3, num_epochs=3)).all()  # rows 0, 1 only
    with pytest.raises(ValueError, match=r'decay \(beta\) must be in \(0, 1\]'):
        tdds_window_weights(3, 0.0)


def test_keep_highest_scores_ties_to_the_lower_index():
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.2, 0.5])
    assert select_highest(scores, 0.5).tolist() == [1, 2, 3]  # 0.9, 0.9, then 0.5 at 2
    assert select_highest(scores, 0.3).tolist() == [1, 3]  # round(1.8) = 2
    assert keep_count(2000, 0.3) == 600 and keep_count(2000, 0.5) == 1000
    assert keep_count(3, 0.1) == 1  # at least one
    with pytest.raises(ValueError, match=r'keep_ratio must be in \(0, 1\].*keep_ratio = 1 - r'):
        keep_count(10, 0.0)


def test_random_subset_is_seeded_and_sized():
    a, b = random_subset(100, 30, seed=0), random_subset(100, 30, seed=0)
    c = random_subset(100, 30, seed=1)
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()
    assert len(set(a.tolist())) == 30 and a.min() >= 0 and a.max() < 100
    assert a.tolist() == sorted(a.tolist())
