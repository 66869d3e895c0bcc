"""A ``Conv2d`` that fake-quantizes its weight and, optionally, its input.

PIC-PQ (Xie et al., arXiv:2312.00851) trains the pruned network with
fake-quantized weights and activations at per-layer bit widths ``bit_l``. In the
authors' ResNet the activation after ``bn1`` of each residual block is
quantized at the bits of the block's first conv and then feeds the second conv;
the residual stream (the input of the first conv and of the shortcut), the stem
and the classifier stay full precision. :class:`QuantConv2d` carries both
quantizers of one conv: ``weight_bits`` for its weight and ``input_bits`` for
the activation it reads (``None``: its input is not quantized, 32 bits), so a
block's ``conv2`` with ``input_bits = bit(conv1)`` is exactly that placement,
without touching the block's ``forward``.

The module is an ``nn.Conv2d`` with the same parameters and state-dict keys, so
a dense or pruned checkpoint loads into it unchanged. Quantization is switched
on per kind (``quantize_weight``, ``quantize_input``); both start off and
:class:`rszoo.engine.hooks.FakeQuantHook` turns them on at configured epochs.

Shapes: input ``N x C_in x H x W``, weight ``C_out x C_in/groups x k_h x k_w``,
output ``N x C_out x H' x W'``, as ``nn.Conv2d``.
"""
from typing import Optional

import torch
from torch import nn

from rszoo.registry import MODELS
from .quantizers import (FULL_PRECISION, ActivationQuantizer, WeightQuantizer,
                         check_activation_bits, check_weight_bits)


@MODELS.register_module()
class QuantConv2d(nn.Conv2d):
    """``y = conv(q_a(x), q_w(W)) + bias`` with PIC-PQ's quantizers.

    Args:
        *args, **kwargs: those of ``nn.Conv2d``.
        weight_bits: bits of the weight (2..16, or 32 for full precision).
        input_bits: bits of the input activation (1..16, 32), or None when the
            input is not quantized (it then counts as 32 bits in BOPs).
        quantize_weight, quantize_input: whether each quantizer is on now.
    """

    def __init__(self, *args, weight_bits: int = FULL_PRECISION,
                 input_bits: Optional[int] = None, quantize_weight: bool = False,
                 quantize_input: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight_quantizer = WeightQuantizer(
            check_weight_bits(weight_bits, 'QuantConv2d.weight_bits'))
        self.input_quantizer = None if input_bits is None else ActivationQuantizer(
            check_activation_bits(input_bits, 'QuantConv2d.input_bits'))
        self.quantize_weight = bool(quantize_weight)
        self.quantize_input = bool(quantize_input)

    @classmethod
    def from_conv(cls, conv: nn.Conv2d, weight_bits: int = FULL_PRECISION,
                  input_bits: Optional[int] = None) -> 'QuantConv2d':
        """A QuantConv2d sharing ``conv``'s parameters (the same tensors)."""
        if not isinstance(conv, nn.Conv2d):
            raise TypeError(f'QuantConv2d.from_conv: expected an nn.Conv2d, got '
                            f'{type(conv).__name__}')
        new = cls(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                  padding=conv.padding, dilation=conv.dilation, groups=conv.groups,
                  bias=conv.bias is not None, padding_mode=conv.padding_mode,
                  weight_bits=weight_bits, input_bits=input_bits,
                  device=conv.weight.device, dtype=conv.weight.dtype)
        new.weight = conv.weight
        if conv.bias is not None:
            new.bias = conv.bias
        new.train(conv.training)
        return new

    @property
    def weight_bits(self) -> int:
        return self.weight_quantizer.bits

    @property
    def input_bits(self) -> Optional[int]:
        return None if self.input_quantizer is None else self.input_quantizer.bits

    @property
    def weight_bits_in_use(self) -> int:
        """Bits the weight really has in the forward pass now."""
        return self.weight_bits if self.quantize_weight else FULL_PRECISION

    @property
    def input_bits_in_use(self) -> int:
        """Bits the input the convolution reads really has now (32 when it is
        not quantized)."""
        if self.quantize_input and self.input_quantizer is not None:
            return self.input_quantizer.bits
        return FULL_PRECISION

    def quantized_weight(self) -> torch.Tensor:
        """The weight the forward pass uses (``C_out x C_in/groups x k_h x k_w``)."""
        if self.quantize_weight:
            return self.weight_quantizer(self.weight)
        return self.weight

    def quantized_input(self, x: torch.Tensor) -> torch.Tensor:
        """The input the convolution reads (``N x C_in x H x W``)."""
        if self.quantize_input and self.input_quantizer is not None:
            return self.input_quantizer(x)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(self.quantized_input(x), self.quantized_weight(), self.bias)

    def extra_repr(self) -> str:
        return (super().extra_repr() + f', weight_bits={self.weight_bits}, '
                f'input_bits={self.input_bits}, quantize_weight={self.quantize_weight}, '
                f'quantize_input={self.quantize_input}')


def set_fake_quant(model: nn.Module, weights: Optional[bool] = None,
                   activations: Optional[bool] = None) -> int:
    """Switch the quantizers of every :class:`QuantConv2d` in ``model``
    (None leaves a kind as it is); returns how many QuantConv2d there are."""
    count = 0
    for module in model.modules():
        if isinstance(module, QuantConv2d):
            count += 1
            if weights is not None:
                module.quantize_weight = bool(weights)
            if activations is not None:
                module.quantize_input = bool(activations)
    return count


def fake_quant_state(model: nn.Module) -> Optional[dict]:
    """``{'weights': bool, 'activations': bool}`` of the QuantConv2d in ``model``
    (all agree after :func:`set_fake_quant`), or None without any."""
    modules = [m for m in model.modules() if isinstance(m, QuantConv2d)]
    if not modules:
        return None
    return dict(weights=any(m.quantize_weight for m in modules),
                activations=any(m.quantize_input for m in modules))
