"""PIC-PQ's fake quantizers (rszoo/models/compression/quantizers.py, quant_conv.py): the
rounding on known values, the straight-through gradient, the weight grid, and QuantConv2d
(shared parameters, switches, clear errors)."""
import math

import pytest
import torch
import torch.nn.functional as F

from rszoo.models.compression import (ActivationQuantizer, QuantConv2d, WeightQuantizer,
                                      fake_quant_state, set_fake_quant, uniform_quantize)


def test_uniform_quantize_rounds_to_the_k_bit_grid_with_an_identity_gradient():
    x = torch.tensor([0.0, 0.1, 0.2, 0.5, 0.9, 1.0], requires_grad=True)
    q = uniform_quantize(x, 2)  # grid {0, 1/3, 2/3, 1}: x * 3 = 0, .3, .6, 1.5, 2.7, 3
    assert torch.equal(q, torch.tensor([0.0, 0.0, 1.0, 2.0, 3.0, 3.0]) / 3)  # 1.5 -> 2 (even)
    (q * torch.arange(1.0, 7.0)).sum().backward()
    assert torch.equal(x.grad, torch.arange(1.0, 7.0))  # straight through the rounding
    assert uniform_quantize(x, 32) is x
    with pytest.raises(ValueError, match='k must be an int >= 1'):
        uniform_quantize(x, 0)


def test_activation_quantizer_clamps_to_0_1_and_passes_gradient_inside_only():
    x = torch.tensor([-0.5, 0.1, 0.2, 0.5, 0.9, 1.7], requires_grad=True)
    q = ActivationQuantizer(2)(x)
    assert torch.equal(q, torch.tensor([0.0, 0.0, 1.0, 2.0, 3.0, 3.0]) / 3)
    q.sum().backward()
    assert torch.equal(x.grad, torch.tensor([0.0, 1.0, 1.0, 1.0, 1.0, 0.0]))
    assert ActivationQuantizer(32)(x) is x
    with pytest.raises(ValueError, match=r'ActivationQuantizer.bits: expected an int in 1..16'):
        ActivationQuantizer(0)


def test_weight_quantizer_tanh_normalised_symmetric_grid_and_ste_gradient():
    w = torch.tensor([-2.0, -0.1, 0.0, 0.3, 1.0], requires_grad=True)
    q = WeightQuantizer(3)(w)  # k = b - 1 = 2 bits a side: grid {j / 3, |j| <= 3}
    # tanh(w) / tanh(2) = -1, -0.1034, 0, 0.3022, 0.7900 -> x3 -> -3, -0.31, 0, 0.91, 2.37
    assert torch.allclose(q, torch.tensor([-3.0, 0.0, 0.0, 1.0, 2.0]) / 3)
    q.sum().backward()
    # STE: the gradient is that of the un-rounded tanh / max|tanh| map
    w2 = w.detach().clone().requires_grad_(True)
    (torch.tanh(w2) / torch.tanh(w2).abs().max()).sum().backward()
    assert torch.allclose(w.grad, w2.grad)
    assert WeightQuantizer(3).levels == 3 and WeightQuantizer(8).levels == 127
    codes = WeightQuantizer(3).integer_codes(w)
    assert codes.dtype == torch.int8 and codes.tolist() == [-3, 0, 0, 1, 2]
    # 2 bits: ternary {-1, 0, 1}; 1 bit would divide by zero in the authors' rounding
    assert set(WeightQuantizer(2)(torch.randn(50)).tolist()) <= {-1.0, 0.0, 1.0}
    with pytest.raises(ValueError, match=r'WeightQuantizer.bits: expected an int in 2..16'):
        WeightQuantizer(1)


def test_quant_conv_shares_parameters_and_quantizes_weight_and_input_when_on():
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(2, 3, 3, padding=1, bias=True)
    qconv = QuantConv2d.from_conv(conv, weight_bits=4, input_bits=2)
    assert qconv.weight is conv.weight and qconv.bias is conv.bias
    assert set(qconv.state_dict()) == {'weight', 'bias'}  # the dense checkpoint's keys
    x = torch.rand(1, 2, 5, 5) * 1.5
    assert torch.equal(qconv(x), conv(x))  # both quantizers start off
    assert (qconv.weight_bits_in_use, qconv.input_bits_in_use) == (32, 32)
    assert set_fake_quant(qconv, weights=True, activations=True) == 1
    assert fake_quant_state(qconv) == dict(weights=True, activations=True)
    expected = F.conv2d(ActivationQuantizer(2)(x), WeightQuantizer(4)(conv.weight), conv.bias,
                        padding=1)
    assert torch.allclose(qconv(x), expected)
    assert (qconv.weight_bits_in_use, qconv.input_bits_in_use) == (4, 2)
    assert len(torch.unique(qconv.quantized_input(x))) <= 4
    assert len(torch.unique(qconv.quantized_weight())) <= 2 ** 4 - 1
    # gradients reach the shared weight through both STEs
    qconv(x).sum().backward()
    assert conv.weight.grad is not None and math.isfinite(float(conv.weight.grad.abs().sum()))
    with pytest.raises(ValueError, match='QuantConv2d.weight_bits'):
        QuantConv2d(2, 3, 1, weight_bits=33)
    with pytest.raises(TypeError, match='expected an nn.Conv2d'):
        QuantConv2d.from_conv(torch.nn.Linear(2, 3))
