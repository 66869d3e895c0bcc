"""The Neighbourhood Statistical Indicator: window mean and std against loops,
the indicator choices, the matrix view of conv/linear gradients, and errors."""
import pytest
import torch

from rszoo.engine.comm_hooks.neighbourhood_indicator import (
    INDICATORS, as_matrix, neighbourhood_indicator, neighbourhood_statistics)

from comm_hook_helpers import reference_nsi


def windows(matrix, p):
    r = p // 2
    rows, cols = matrix.shape
    return [[matrix[max(0, i - r):i + r + 1, max(0, j - r):j + r + 1].reshape(-1)
             for j in range(cols)] for i in range(rows)]


@pytest.mark.parametrize('p', [1, 3, 5])
def test_statistics_are_those_of_the_window_inside_the_matrix(p):
    g = torch.randn(5, 7, generator=torch.Generator().manual_seed(p), dtype=torch.float64)
    mean, std = neighbourhood_statistics(g, p)
    assert mean.shape == std.shape == (5, 7) and mean.dtype == torch.float32
    for i, row in enumerate(windows(g, p)):
        for j, w in enumerate(row):
            assert mean[i, j].item() == pytest.approx(w.mean().item(), abs=1e-6)
            assert std[i, j].item() == pytest.approx(w.std(unbiased=False).item(), abs=1e-5)


def test_indicator_choices():
    g = torch.randn(4, 6, generator=torch.Generator().manual_seed(0))
    mean, std = neighbourhood_statistics(g, 3)
    torch.testing.assert_close(neighbourhood_indicator(g), mean.abs() + std)  # default
    torch.testing.assert_close(neighbourhood_indicator(g, std_weight=0.5),
                               mean.abs() + 0.5 * std)
    torch.testing.assert_close(neighbourhood_indicator(g, indicator='entry_mean_std'),
                               g.abs() + mean.abs() + std)
    torch.testing.assert_close(neighbourhood_indicator(g, indicator='rms'),
                               (mean ** 2 + std ** 2).sqrt())
    torch.testing.assert_close(neighbourhood_indicator(g, indicator='magnitude'), g.abs())
    torch.testing.assert_close(neighbourhood_indicator(g).double(), reference_nsi(g),
                               rtol=1e-5, atol=1e-6)
    assert set(INDICATORS) == {'mean_std', 'entry_mean_std', 'rms', 'magnitude'}


def test_a_small_entry_among_large_ones_outranks_an_isolated_spike():
    """The paper's point against magnitude top-k, on a known gradient."""
    g = torch.zeros(7, 7)
    g[0:3, 0:3] = 1.0
    g[1, 1] = 0.1  # small, in a neighbourhood of large gradients
    g[5, 5] = 2.0  # isolated spike, 20x larger
    nsi = neighbourhood_indicator(g)
    # the spike's window: mu = 2/9, sigma = 2 * sqrt(8) / 9: NSI = 0.85 (0.43 of its size)
    assert nsi[5, 5].item() == pytest.approx(2 * (1 + 8 ** 0.5) / 9, rel=1e-5)
    assert nsi[1, 1] > nsi[5, 5]
    assert g[1, 1].abs() < g[5, 5].abs()


def test_conv_and_linear_gradients_as_matrices():
    assert as_matrix(torch.zeros(8, 3, 3, 3)).shape == (8, 27)
    assert as_matrix(torch.zeros(4, 16)).shape == (4, 16)
    with pytest.raises(ValueError, match='2 or more dims'):
        as_matrix(torch.zeros(4))


@pytest.mark.parametrize('p', [0, 2, 3.0, True])
def test_neighbourhood_must_be_an_odd_int(p):
    with pytest.raises(ValueError, match='neighbourhood .*odd int'):
        neighbourhood_statistics(torch.zeros(3, 3), p)


def test_unknown_indicator_is_named():
    with pytest.raises(ValueError, match="indicator must be one of .*'median'"):
        neighbourhood_indicator(torch.zeros(3, 3), indicator='median')
