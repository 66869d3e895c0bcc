"""AWCA: adaptive weighted channel attention (the channel half of DIAnet's IAM)."""
import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.heads import AWCA  # noqa: E402


def test_shape_and_weights_in_unit_interval():
    awca = AWCA(48, reduction=16)
    x = torch.randn(2, 48, 10, 12)
    y = awca(x)
    assert y.shape == x.shape
    s = awca.channel_weights(x)
    assert s.shape == (2, 48) and (s > 0).all() and (s < 1).all()
    assert awca.fc[0].weight.shape == (3, 48)  # 48 -> 3 -> 48, no biases
    assert awca.fc[0].bias is None and awca.fc[2].bias is None and awca.conv.bias is None


def test_matches_the_formula_by_hand():
    torch.manual_seed(0)
    awca = AWCA(4, reduction=2)
    x = torch.randn(1, 4, 3, 3)
    flat = x.reshape(4, 9)
    m = torch.softmax(awca.conv.weight.reshape(1, 4) @ flat, dim=1)   # (1, 9)
    z = (flat * m).sum(1)                                             # (4,)
    h = awca.fc[1](z @ awca.fc[0].weight.T)
    s = torch.sigmoid(h @ awca.fc[2].weight.T)
    assert torch.allclose(awca(x), x * s.reshape(1, 4, 1, 1), atol=1e-6)


def test_uniform_attention_is_global_average_pooling():
    awca = AWCA(6, reduction=3)
    torch.nn.init.zeros_(awca.conv.weight)  # softmax of zeros: every position 1 / HW
    x = torch.randn(2, 6, 5, 5)
    expected = torch.sigmoid(awca.fc[2](awca.fc[1](awca.fc[0](x.mean((2, 3))))))
    assert torch.allclose(awca.channel_weights(x), expected, atol=1e-6)


def test_gradients_and_errors():
    awca = AWCA(8, reduction=4)
    x = torch.randn(2, 8, 6, 6, requires_grad=True)
    awca(x).sum().backward()
    assert x.grad is not None and awca.conv.weight.grad.abs().sum() > 0
    assert awca.fc[0].weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='expected 8 channels'):
        awca(torch.randn(1, 4, 6, 6))
