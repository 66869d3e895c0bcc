"""PIC-PQ's fake quantizers (DoReFa-style) with a straight-through gradient.

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851, quantize the pruned network with the DoReFa recipe
of the authors' code (``model/modules.py``):

* k-bit rounding of a value ``x`` in ``[0, 1]`` (or ``[-1, 1]``):
  ``q_k(x) = round(x * (2^k - 1)) / (2^k - 1)``, whose gradient is taken as the
  identity (straight-through estimator, STE): ``dq_k/dx := 1``;
* weights ``W`` (any shape, e.g. ``C_out x C_in x k x k``) at ``b`` bits:
  ``W_q = q_{b-1}( tanh(W) / max|tanh(W)| )``, a symmetric grid of ``2^b - 1``
  values in ``[-1, 1]`` (``b = 2`` gives ``{-1, 0, 1}``);
* activations ``x`` (any shape, e.g. ``N x C x H x W``) at ``b`` bits:
  ``x_q = q_b( clamp(x, 0, 1) )``, ``2^b`` values in ``[0, 1]``.

``b = 32`` means "not quantized" (the identity), as in the authors' code. The
authors allow ``b <= 8`` or 32; rszoo allows weights 2..16 bits and activations
1..16 bits (or 32): a 1-bit weight is a division by zero in the authors' rounding
(``k = b - 1 = 0``).
"""
import torch
from torch import nn

from rszoo.registry import MODELS

FULL_PRECISION = 32


class _RoundSTE(torch.autograd.Function):
    """``round(x * n) / n`` forward, identity backward (the STE)."""

    @staticmethod
    def forward(ctx, x, levels):
        return torch.round(x * levels) / levels

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.clone(), None


def uniform_quantize(x: torch.Tensor, k: int) -> torch.Tensor:
    """``q_k(x) = round(x * (2^k - 1)) / (2^k - 1)`` with a straight-through
    gradient (PIC-PQ / DoReFa k-bit rounding); ``k = 32`` returns ``x``.

    Args:
        x: any shape; meant to lie in ``[0, 1]`` (activations) or ``[-1, 1]``
            (normalised weights).
        k: bits of the grid, ``k >= 1``.
    """
    if k == FULL_PRECISION:
        return x
    if not isinstance(k, int) or k < 1:
        raise ValueError(f'uniform_quantize: k must be an int >= 1 (or 32), got {k!r}')
    return _RoundSTE.apply(x, float(2 ** k - 1))


def check_weight_bits(bits, where='weight bits') -> int:
    """``bits`` as an int in 2..16 or 32, else a ValueError naming ``where``."""
    if isinstance(bits, bool) or not isinstance(bits, int) or not (
            2 <= bits <= 16 or bits == FULL_PRECISION):
        raise ValueError(f'{where}: expected an int in 2..16 or 32, got {bits!r}')
    return bits


def check_activation_bits(bits, where='activation bits') -> int:
    """``bits`` as an int in 1..16 or 32, else a ValueError naming ``where``."""
    if isinstance(bits, bool) or not isinstance(bits, int) or not (
            1 <= bits <= 16 or bits == FULL_PRECISION):
        raise ValueError(f'{where}: expected an int in 1..16 or 32, got {bits!r}')
    return bits


@MODELS.register_module()
class WeightQuantizer(nn.Module):
    """``W_q = q_{b-1}(tanh(W) / max|tanh(W)|)`` (PIC-PQ's weight quantizer).

    Args:
        bits: ``b``, 2..16 or 32 (32: identity).

    Shapes: ``W`` any shape (a conv weight ``C_out x C_in x k_h x k_w``); the
    output has the same shape, values on ``{j / (2^(b-1) - 1)}``,
    ``|j| <= 2^(b-1) - 1``. The gradient passes the rounding unchanged (STE) and
    flows through ``tanh`` and the max-normalisation.
    """

    def __init__(self, bits: int):
        super().__init__()
        self.bits = check_weight_bits(bits, 'WeightQuantizer.bits')

    @property
    def levels(self) -> int:
        """``n = 2^(b-1) - 1``: the grid is ``{j / n : -n <= j <= n}``."""
        return 2 ** (self.bits - 1) - 1

    def normalise(self, weight: torch.Tensor) -> torch.Tensor:
        """``tanh(W) / max|tanh(W)|`` in ``[-1, 1]`` (all-zero W stays zero)."""
        w = torch.tanh(weight)
        scale = w.abs().max()
        return w / scale.clamp_min(torch.finfo(w.dtype).tiny)

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        if self.bits == FULL_PRECISION:
            return weight
        return uniform_quantize(self.normalise(weight), self.bits - 1)

    def integer_codes(self, weight: torch.Tensor) -> torch.Tensor:
        """The integers ``j`` with ``W_q = j / n`` (int8 up to 8 bits, else int16)."""
        if self.bits == FULL_PRECISION:
            raise ValueError('WeightQuantizer.integer_codes: 32-bit weights have no codes')
        codes = torch.round(self.normalise(weight.detach()) * self.levels)
        return codes.to(torch.int8 if self.bits <= 8 else torch.int16)

    def extra_repr(self) -> str:
        return f'bits={self.bits}'


@MODELS.register_module()
class ActivationQuantizer(nn.Module):
    """``x_q = q_b(clamp(x, 0, 1))`` (PIC-PQ's activation quantizer).

    Args:
        bits: ``b``, 1..16 or 32 (32: identity).

    Shapes: ``x`` any shape (``N x C x H x W``); the output has the same shape,
    values on ``{j / (2^b - 1)}``, ``0 <= j <= 2^b - 1``. The gradient is that of
    the clamp (1 inside ``[0, 1]``, 0 outside) times the STE's identity.
    """

    def __init__(self, bits: int):
        super().__init__()
        self.bits = check_activation_bits(bits, 'ActivationQuantizer.bits')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.bits == FULL_PRECISION:
            return x
        return uniform_quantize(torch.clamp(x, 0, 1), self.bits)

    def extra_repr(self) -> str:
        return f'bits={self.bits}'
