"""Layer-wise dynamic keep-fractions: the budget is met, the bounds hold, layers
whose importance moves more keep more, and no history means uniform."""
import pytest

from rszoo.engine.comm_hooks.dynamic_ratio import allocate_densities, update_change


def kept_fraction(numels, densities):
    return sum(n * d for n, d in zip(numels, densities)) / sum(numels)


def test_weighted_mean_meets_the_target_and_bounds_hold():
    numels = [1000, 50000, 200000, 3000]
    weights = [0.5, 0.01, 0.2, 5.0]
    rho = allocate_densities(numels, weights, 0.01, ratio_range=(0.1, 10.0))
    assert kept_fraction(numels, rho) == pytest.approx(0.01, rel=1e-9)
    assert all(0.001 - 1e-15 <= r <= 0.1 + 1e-15 for r in rho)
    assert rho[3] == pytest.approx(0.1)  # the fastest-changing layer hits r_hi * rho
    assert rho[1] < rho[2] < rho[0] <= rho[3]  # ordered by weight


def test_without_history_every_layer_gets_the_target():
    assert allocate_densities([10, 20], [None, None], 0.05) == [0.05, 0.05]
    assert allocate_densities([10, 20], [0.0, 0.0], 0.05) == [0.05, 0.05]
    assert allocate_densities([], [], 0.05) == []


def test_a_new_layer_takes_the_mean_weight():
    rho = allocate_densities([100, 100, 100], [1.0, 3.0, None], 0.1, ratio_range=(0.01, 100))
    assert rho[2] == pytest.approx((rho[0] + rho[1]) / 2)
    assert kept_fraction([100] * 3, rho) == pytest.approx(0.1)


def test_fractions_are_capped_at_one():
    rho = allocate_densities([10, 10], [1.0, 100.0], 0.5, ratio_range=(0.1, 10.0))
    assert max(rho) <= 1.0 and kept_fraction([10, 10], rho) == pytest.approx(0.5)


def test_smoothed_relative_change():
    assert update_change(None, 2.0, None, 0.9) is None  # one mass: no change yet
    assert update_change(2.0, 3.0, None, 0.9) == pytest.approx(0.5)
    assert update_change(2.0, 1.0, 0.5, 0.9) == pytest.approx(0.9 * 0.5 + 0.1 * 0.5)
    assert update_change(0.0, 1.0, None, 0.9) > 1e6  # from zero: a large change, finite
