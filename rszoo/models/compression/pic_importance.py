"""PIC-PQ's physics-inspired criterion (PIC): a per-layer affine map of FP.

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851: by analogy with Hooke's law, the importance of
filter ``i`` of conv ``l`` is linear in its filter property,

    I_i^l = a_l * FP(Theta_i^l) + b_l,

with a layer's deformation scale ``a_l > 0`` and relative shift ``b_l`` putting
all layers on one global scale (learned by regularized evolution,
:class:`~rszoo.models.compression.RegularizedEvolution`). Without learned values
the authors use ``(a_l, b_l) = (1, 0)``.

A residual chain's channel ``j`` (:mod:`.channel_groups`) is scored by the sum
of its members' importances, ``sum_{l in chain} I_j^l``, as in the authors'
``FilterPruner``.

Shapes: ``fp[name]`` a ``C_l`` vector per conv; ``ab`` an ``L x 2`` array, row
``l`` = ``(a_l, b_l)`` of ``conv_names[l]``; the result ``C_l`` per conv, and
``width`` per channel group.
"""
from typing import Dict, Sequence

import numpy as np
import torch

from rszoo.registry import TASK_UTILS
from .channel_groups import ChannelGroup


def check_ab(ab, num_layers: int) -> np.ndarray:
    """``ab`` as a float64 ``L x 2`` array with ``a > 0``; a ValueError names
    the shape or row that is wrong."""
    ab = np.asarray(ab, dtype=np.float64)
    if ab.shape != (num_layers, 2):
        raise ValueError(f'PIC (a, b): expected an array of shape ({num_layers}, 2) (one '
                         f'(a_l, b_l) row per conv), got {ab.shape}')
    if not np.all(np.isfinite(ab)):
        raise ValueError('PIC (a, b): every a_l and b_l must be finite')
    bad = np.flatnonzero(ab[:, 0] <= 0)
    if bad.size:
        raise ValueError(f'PIC (a, b): a_l must be > 0; rows {bad.tolist()} are not')
    return ab


def identity_ab(num_layers: int) -> np.ndarray:
    """``(a_l, b_l) = (1, 0)`` for every layer (the authors' default)."""
    return np.tile(np.array([[1.0, 0.0]]), (num_layers, 1))


@TASK_UTILS.register_module()
class PICImportance:
    """``I_i^l = a_l * FP_i^l + b_l`` per conv, summed over chain members per
    channel group."""

    def layer_importance(self, fp: Dict[str, torch.Tensor], ab,
                         conv_names: Sequence[str]) -> Dict[str, torch.Tensor]:
        ab = check_ab(ab, len(conv_names))
        missing = [n for n in conv_names if n not in fp]
        if missing:
            raise KeyError(f'PICImportance: no filter property for {missing[:5]}')
        return {name: fp[name].to(torch.float64) * float(ab[i, 0]) + float(ab[i, 1])
                for i, name in enumerate(conv_names)}

    def group_scores(self, importance: Dict[str, torch.Tensor],
                     groups: Sequence[ChannelGroup]) -> Dict[str, torch.Tensor]:
        out = {}
        for group in groups:
            parts = []
            for name in group.producers:
                if name not in importance:
                    raise KeyError(f'PICImportance: no importance for {name} '
                                   f'(group {group.name})')
                if importance[name].numel() != group.width:
                    raise ValueError(f'PICImportance: {name} has {importance[name].numel()} '
                                     f'scores, group {group.name} has {group.width} channels')
                parts.append(importance[name])
            out[group.name] = torch.stack(parts).sum(0)
        return out

    def __call__(self, fp: Dict[str, torch.Tensor], ab, conv_names: Sequence[str],
                 groups: Sequence[ChannelGroup]) -> Dict[str, torch.Tensor]:
        """``{group name: per-channel score}`` for the pruner."""
        return self.group_scores(self.layer_importance(fp, ab, conv_names), groups)
