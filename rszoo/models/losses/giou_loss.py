"""Generalized IoU loss (Rezatofighi et al., "Generalized Intersection over
Union", CVPR 2019, Alg. 2) computed by
:func:`torchvision.ops.generalized_box_iou_loss`::

    L = 1 - IoU(A, B) + |C \\ (A u B)| / |C|     (C: the smallest enclosing box)

per box pair, optionally weighted (FCOS weights by the centre-ness target),
summed and divided by ``avg_factor``, times ``loss_weight``.
"""
from typing import Optional

import torch
from torch import nn
from torchvision.ops import generalized_box_iou_loss

from rszoo.registry import MODELS


@MODELS.register_module()
class GIoULoss(nn.Module):
    """GIoU loss of paired ``(M, 4)`` ``x1, y1, x2, y2`` boxes (module docstring).

    Args:
        eps (float): numerical guard of torchvision's op. Defaults to 1e-7.
        loss_weight (float): multiplier. Defaults to 1.0.
    """

    def __init__(self, eps: float = 1e-7, loss_weight: float = 1.0):
        super().__init__()
        self.eps = eps
        self.loss_weight = loss_weight

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None) -> torch.Tensor:
        if pred.shape != target.shape or pred.shape[-1] != 4:
            raise ValueError(f'GIoULoss: pred and target must both be (M, 4), got '
                             f'{tuple(pred.shape)} and {tuple(target.shape)}')
        loss = generalized_box_iou_loss(pred.float(), target.float(), reduction='none',
                                        eps=self.eps)
        if weight is not None:
            loss = loss * weight
        loss = loss.sum() / avg_factor if avg_factor is not None else loss.mean()
        return self.loss_weight * loss
