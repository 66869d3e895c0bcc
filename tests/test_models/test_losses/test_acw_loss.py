"""ACWLoss (DIAnet's distribution-aware loss; MSCG-Net's adaptive class weighting)."""
import math

import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.losses import ACWLoss, SegCrossEntropyLoss  # noqa: E402

EPS = 1e-5


def pnc(e):
    return e - math.log((1 - e + EPS) / (1 + e + EPS))


def test_tiny_case_by_hand():
    """2 classes, one 1 x 2 image, zero logits (p = 0.5), labels [0, 1].

    Step 1: f = w = [0.5, 0.5], m = [0.5, 0.5]; acw = (1 + 0.5 + y) * 0.5 =
    1.25 (true class) / 0.75; e = 0.25 everywhere, so each pixel gives
    (1.25 + 0.75) * pnc(0.25); dice d_c = (2 * 0.5 + eps) / (2 + eps).
    """
    loss = ACWLoss(num_classes=2)
    logits = torch.zeros(1, 2, 1, 2, requires_grad=True)
    target = torch.tensor([[[0, 1]]])
    value = loss(logits, target)
    m = (0.5 / (0.5 + EPS)) / (2 * 0.5 / (0.5 + EPS))  # = 0.5
    l_pnc = (1.5 + 1) * m * pnc(0.25) + (1.5 + 0) * m * pnc(0.25)  # per pixel, same for both
    dice = (2 * 0.5 + EPS) / (2 + EPS)
    expected = l_pnc - math.log(dice)
    assert value.item() == pytest.approx(expected, rel=1e-6)
    assert value.item() == pytest.approx(2.21483, abs=1e-4)
    value.backward()
    assert logits.grad.abs().sum() > 0
    assert loss.num_updates.item() == 1
    assert torch.allclose(loss.class_freq, torch.tensor([0.5, 0.5]))


def test_running_frequency_and_balance_factor():
    """Step 2 with labels [0, 0]: f_2 = [1, 0], w_2 = ([0.5, 0.5] + [1, 0]) / 2 =
    [0.75, 0.25]; m = mean(w) / w = [2/3, 2] normalised = [0.25, 0.75]."""
    loss = ACWLoss(num_classes=2)
    loss(torch.zeros(1, 2, 1, 2), torch.tensor([[[0, 1]]]))
    loss(torch.zeros(1, 2, 1, 2), torch.tensor([[[0, 0]]]))
    assert loss.num_updates.item() == 2
    assert torch.allclose(loss.class_freq, torch.tensor([0.75, 0.25]))
    assert torch.allclose(loss.balance_factor(), torch.tensor([0.25, 0.75]), atol=1e-4)
    # the state is a pair of buffers: saved, loaded and moved with the model
    state = loss.state_dict()
    assert set(state) == {'class_freq', 'num_updates'}
    fresh = ACWLoss(num_classes=2)
    fresh.load_state_dict(state)
    assert torch.equal(fresh.class_freq, loss.class_freq)


def test_eval_mode_does_not_update_the_state():
    loss = ACWLoss(num_classes=3).eval()
    loss(torch.randn(2, 3, 4, 4), torch.randint(0, 3, (2, 4, 4)))
    assert loss.num_updates.item() == 0 and loss.class_freq.sum() == 0


def test_ignored_pixels_weigh_zero_but_count_in_the_mean():
    """Pixel 2 ignored: it adds nothing to the PNC sum, is left out of the dice
    and of the class frequency, and still counts in the mean over pixels."""
    loss = ACWLoss(num_classes=2, ignore_index=255)
    value = loss(torch.zeros(1, 2, 1, 3), torch.tensor([[[0, 1, 255]]]))
    m = 0.5
    l_pnc = 2 * ((1.5 + 1) * m * pnc(0.25) + 1.5 * m * pnc(0.25)) / 3  # 2 of 3 pixels
    dice = (2 * 0.5 + EPS) / (2 + EPS)
    assert value.item() == pytest.approx(l_pnc - math.log(dice), rel=1e-6)
    assert torch.allclose(loss.class_freq, torch.tensor([0.5, 0.5]))


def test_perfect_prediction_gives_a_low_loss_and_errors():
    loss = ACWLoss(num_classes=2)
    target = torch.tensor([[[0, 1], [1, 0]]])
    good = torch.nn.functional.one_hot(target, 2).permute(0, 3, 1, 2).float() * 20
    assert loss(good, target) < loss(-good, target)
    with pytest.raises(ValueError, match=r'labels must be in \[0, 2\)'):
        loss(torch.zeros(1, 2, 1, 1), torch.tensor([[[5]]]))
    with pytest.raises(ValueError, match='logits'):
        loss(torch.zeros(1, 3, 1, 1), torch.tensor([[[0]]]))


def test_seg_cross_entropy_ignores_pixels():
    ce = SegCrossEntropyLoss(ignore_index=255)
    logits = torch.zeros(1, 2, 1, 3)
    value = ce(logits, torch.tensor([[[0, 1, 255]]]))
    assert value.item() == pytest.approx(math.log(2), rel=1e-6)
    assert ce(logits, torch.full((1, 1, 3), 255)).item() == 0.
    assert ce.loss_name == 'loss_ce'
