"""PSNL: second-order non-local attention on 2 x 2 quadrants (DIAnet's IAM, spatial half)."""
import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.heads import PSNL, SecondOrderNonLocal  # noqa: E402


def test_affinity_is_the_centred_second_order_softmax():
    torch.manual_seed(0)
    block = SecondOrderNonLocal(16, reduction=8)  # C' = 2
    x = torch.randn(1, 16, 3, 4)
    theta = (block.theta.weight.reshape(2, 16) @ x.reshape(16, 12)).T   # (M=12, C'=2)
    a = (theta - theta.mean(1, keepdim=True)) @ theta.T / 2
    expected = torch.softmax(a, dim=1)
    got = block.affinity(x)[0]
    assert torch.allclose(got, expected, atol=1e-6)
    assert torch.allclose(got.sum(1), torch.ones(12))


def test_zero_init_out_is_identity_and_default_is_not():
    x = torch.randn(2, 16, 6, 6)
    assert torch.equal(PSNL(16, zero_init_out=True)(x), x)
    assert not torch.allclose(PSNL(16)(x), x)  # default: W left to the model's init


@pytest.mark.parametrize('size', [(8, 8), (13, 13), (7, 10)])
def test_quadrants_are_attended_independently(size):
    torch.manual_seed(0)
    psnl = PSNL(16)
    torch.nn.init.normal_(psnl.non_local.out.weight)
    h, w = size
    x = torch.randn(1, 16, h, w)
    y = psnl(x)
    assert y.shape == x.shape
    x2 = x.clone()
    x2[:, :, h - 1, w - 1] += 10.  # bottom-right quadrant (floor split) only
    y2 = psnl(x2)
    top, left = h // 2, w // 2
    assert torch.allclose(y[:, :, :top], y2[:, :, :top])
    assert torch.allclose(y[:, :, :, :left], y2[:, :, :, :left])
    assert not torch.allclose(y[:, :, top:, left:], y2[:, :, top:, left:])
    # each quadrant is the shared block applied to that quadrant alone
    assert torch.allclose(y[:, :, top:, left:], psnl.non_local(x[:, :, top:, left:]))


def test_gradients_and_errors():
    psnl = PSNL(8, reduction=4)
    torch.nn.init.normal_(psnl.non_local.out.weight)
    x = torch.randn(2, 8, 6, 6, requires_grad=True)
    psnl(x).pow(2).sum().backward()
    for p in (psnl.non_local.theta.weight, psnl.non_local.g.weight, psnl.non_local.out.weight):
        assert p.grad.abs().sum() > 0
    with pytest.raises(ValueError, match=r'\(N, 8, H, W\)'):
        psnl(torch.randn(1, 4, 6, 6))
