"""PIC-PQ's per-layer bit widths from the layer's sparsity.

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851, give each conv ``l`` of the pruned network

    bit_l = Bmax_l                          if s_l == 1
    bit_l = Bmax_l - ceil(lambda / s_l)     otherwise

with ``Bmax_l`` the available maximum bit width of the layer, ``lambda`` the
penalty factor (the authors' default 1/6) and ``s_l`` the layer's remaining
weight mass, in the authors' code (``assign_bit.py``) the L1-mass ratio

    s_l = sum |W_l(pruned)| / sum |W_l(dense)|

of the pruned model *before* fine-tuning; it also drops when only the layer's
input channels were pruned. The same ``bit_l`` is used for the layer's weights
and for the activation it produces (the input of the next conv of its block).

rszoo's additions, where the authors' code is silent: a layer whose ``Bmax_l``
is 32 stays full precision (``bit_l = 32``, never "31 bits"), and ``bit_l`` is
clamped to ``min_bits`` (default 2: the weight quantizer's smallest width) with
the clamp recorded.

``bmax`` is given as one int (every conv), a list with one value per conv in
module order, or, for a ResNet, ``1 + num_stages`` values: the stem, then one
per stage (``layer{s}``: its blocks' convs and its downsample conv).
"""
import math
import re
from typing import Dict, List, Sequence, Union

import torch
from torch import nn

from rszoo.registry import TASK_UTILS
from .quantizers import FULL_PRECISION, check_weight_bits

_STAGE = re.compile(r'^backbone\.layer(\d+)\.')


def l1_mass_ratio(dense_weight: torch.Tensor, pruned_weight: torch.Tensor) -> float:
    """``s = sum|W_pruned| / sum|W_dense|``; exactly 1.0 when nothing was
    pruned (same shape). Shapes: ``C_out x C_in x k x k`` and
    ``C_out' x C_in' x k x k`` with ``C' <= C``."""
    if tuple(pruned_weight.shape) == tuple(dense_weight.shape):
        return 1.0
    if pruned_weight.dim() != dense_weight.dim() or any(
            p > d for p, d in zip(pruned_weight.shape, dense_weight.shape)):
        raise ValueError(f'l1_mass_ratio: pruned shape {tuple(pruned_weight.shape)} does not '
                         f'fit in dense shape {tuple(dense_weight.shape)}')
    dense = float(dense_weight.detach().abs().sum())
    if dense <= 0:
        raise ValueError('l1_mass_ratio: the dense weight is all zeros')
    return float(pruned_weight.detach().abs().sum()) / dense


def assign_bit(bmax: int, s: float, lam: float, min_bits: int = 2) -> int:
    """``bit = Bmax if s == 1 else Bmax - ceil(lambda / s)``, 32 stays 32,
    clamped to ``min_bits``."""
    if bmax == FULL_PRECISION:
        return FULL_PRECISION
    if not 0 < s <= 1:
        raise ValueError(f'assign_bit: s_l must be in (0, 1], got {s}')
    if lam < 0:
        raise ValueError(f'assign_bit: lambda must be >= 0, got {lam}')
    bit = bmax if s == 1 else bmax - math.ceil(lam / s)
    return max(int(bit), int(min_bits))


def expand_bmax(bmax: Union[int, Sequence[int]], conv_names: Sequence[str]) -> List[int]:
    """One ``Bmax_l`` per conv of ``conv_names`` (see the module docstring)."""
    if isinstance(bmax, int):
        values = [bmax] * len(conv_names)
    else:
        bmax = [int(b) for b in bmax]
        stages = sorted({int(m.group(1)) for n in conv_names for m in [_STAGE.match(n)] if m})
        if len(bmax) == len(conv_names):
            values = bmax
        elif len(bmax) == 1 + len(stages) and stages == list(range(1, len(stages) + 1)):
            values = []
            for name in conv_names:
                match = _STAGE.match(name)
                values.append(bmax[int(match.group(1))] if match else bmax[0])
        elif len(bmax) == 1:
            values = bmax * len(conv_names)
        else:
            raise ValueError(
                f'bmax: expected one int, {len(conv_names)} values (one per conv) or '
                f'{1 + len(stages)} (the stem, then one per stage), got {len(bmax)}: {bmax}')
    for name, value in zip(conv_names, values):
        check_weight_bits(value, f'bmax of {name}')
    return values


@TASK_UTILS.register_module()
class PICBitAllocator:
    """``bit_l`` of every conv from the dense and the pruned model.

    Args:
        bmax: ``Bmax`` (see :func:`expand_bmax`).
        lam: the penalty factor ``lambda`` (the authors' 1/6).
        min_bits: the smallest bit width given.

    ``allocator(dense, pruned, conv_names)`` returns ``{conv_name: {'bmax',
    's', 'bits', 'clamped'}}``.
    """

    def __init__(self, bmax: Union[int, Sequence[int]] = (32, 8, 6, 4, 4),
                 lam: float = 1 / 6, min_bits: int = 2):
        self.bmax = bmax
        self.lam = float(lam)
        self.min_bits = check_weight_bits(int(min_bits), 'PICBitAllocator.min_bits')

    def __call__(self, dense: nn.Module, pruned: nn.Module,
                 conv_names: Sequence[str]) -> Dict[str, dict]:
        out = {}
        for name, bmax in zip(conv_names, expand_bmax(self.bmax, conv_names)):
            s = l1_mass_ratio(dense.get_submodule(name).weight,
                              pruned.get_submodule(name).weight)
            raw = bmax if (bmax == FULL_PRECISION or s == 1) else bmax - math.ceil(self.lam / s)
            bits = assign_bit(bmax, s, self.lam, self.min_bits)
            out[name] = dict(bmax=int(bmax), s=s, bits=int(bits), clamped=bool(bits != raw))
        return out
