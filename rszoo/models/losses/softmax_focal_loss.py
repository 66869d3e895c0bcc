"""Softmax focal loss with class weights, as MIViT uses it (authors' ``FocalLoss``,
``utils.py:29-50``; Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017).

    ce_i = -w_{y_i} log softmax(z_i)_{y_i}      (weighted cross-entropy, per sample)
    p_i  = exp(-ce_i)
    L    = loss_weight * mean_i (1 - p_i)^gamma * ce_i

(mmpretrain's ``FocalLoss`` is the sigmoid / one-vs-all form, hence this one.)
MIViT's class weights (``utils.py:567-579``): ``w_c = max(1, (mean_n - n_c) / n_c)``
from the training label counts (:func:`mivit_class_weights`); on the standard
balanced splits every ``w_c`` is 1. ``(N, K)`` logits, ``(N,)`` targets -> scalar.
"""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


def mivit_class_weights(counts: Sequence[int]) -> list:
    """``max(1, (mean - n_c) / n_c)`` per class (the authors' rule)."""
    counts = torch.as_tensor(counts, dtype=torch.float64)
    if (counts <= 0).any():
        raise ValueError(f'mivit_class_weights: every class needs training pixels, got {counts}')
    weights = (counts.mean() - counts) / counts
    return torch.clamp(weights, min=1.0).tolist()


@MODELS.register_module()
class SoftmaxFocalLoss(nn.Module):
    """Args: gamma (2), class_weight (K floats or None), loss_weight (1)."""

    def __init__(self, gamma: float = 2.0, class_weight: Optional[Sequence[float]] = None,
                 loss_weight: float = 1.0):
        super().__init__()
        self.gamma, self.loss_weight = float(gamma), float(loss_weight)
        self.register_buffer('class_weight', None if class_weight is None
                             else torch.as_tensor(class_weight, dtype=torch.float32))

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if logits.dim() != 2 or target.shape != logits.shape[:1]:
            raise ValueError(f'SoftmaxFocalLoss: expected (N, K) logits and (N,) targets, got '
                             f'{tuple(logits.shape)} and {tuple(target.shape)}')
        ce = F.cross_entropy(logits.float(), target, weight=self.class_weight, reduction='none')
        pt = torch.exp(-ce)
        return self.loss_weight * ((1 - pt) ** self.gamma * ce).mean()
