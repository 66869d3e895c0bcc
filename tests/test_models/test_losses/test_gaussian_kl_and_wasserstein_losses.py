"""``GaussianKLLoss`` and ``WassersteinAlignmentLoss`` (MCFA's VAE terms) against hand-
computed values.
"""
import math

import pytest
import torch

from rszoo.models.losses import GaussianKLLoss, WassersteinAlignmentLoss

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_kl_and_wasserstein_hand_computed():
    # KL(N([1,0], diag[1,2]) || N(0,I)) = -1/2[(1+0-1-1) + (1+ln2-0-2)] = 1 - ln2/2
    mu = torch.tensor([[1., 0.]])
    logvar = torch.tensor([[0., math.log(2.)]])
    assert GaussianKLLoss()(mu, logvar).item() == pytest.approx(1 - math.log(2) / 2, rel=1e-6)
    two = GaussianKLLoss(reduction='mean')(mu.repeat(2, 1), logvar.repeat(2, 1))
    assert two.item() == pytest.approx(1 - math.log(2) / 2, rel=1e-6)
    # W2 between N(0, I) and N([3,4], diag[4, 1]): sqrt(25 + (1-2)^2) = sqrt(26)
    w = WassersteinAlignmentLoss()(torch.zeros(1, 2), torch.zeros(1, 2),
                                   torch.tensor([[3., 4.]]), torch.tensor([[math.log(4.), 0.]]))
    assert w.item() == pytest.approx(math.sqrt(26), rel=1e-6)
    with pytest.raises(ValueError, match='differ'):
        WassersteinAlignmentLoss()(torch.zeros(1, 2), torch.zeros(1, 2), torch.zeros(1, 3),
                                   torch.zeros(1, 3))


def test_kl_and_wasserstein_sum_over_the_batch_as_the_authors():
    # MCFA's code: torch.sum of the KL over samples and dimensions, distance.sum() of W2
    mu = torch.tensor([[1., 0.], [0., 2.]])
    logvar = torch.zeros(2, 2)
    # -1/2 sum(1 + 0 - mu^2 - 1) = 1/2 sum mu^2 = 1/2 (1 + 4)
    assert GaussianKLLoss()(mu, logvar).item() == pytest.approx(2.5, rel=1e-6)
    assert GaussianKLLoss(reduction='mean')(mu, logvar).item() == pytest.approx(1.25, rel=1e-6)
    # W2 rows: sqrt(1 + 0) and sqrt(4 + 0) against N(0, I): 1 + 2
    w = WassersteinAlignmentLoss()(mu, logvar, torch.zeros(2, 2), torch.zeros(2, 2))
    assert w.item() == pytest.approx(3.0, rel=1e-6)
