"""Sigmoid focal loss (Lin et al., "Focal Loss for Dense Object Detection",
ICCV 2017, Eq. 5) for dense detection heads, computed by
:func:`torchvision.ops.sigmoid_focal_loss`::

    FL(p_t) = -alpha_t * (1 - p_t) ** gamma * log(p_t)

per class and per prior, summed and divided by ``avg_factor`` (the number of
positives in FCOS / RetinaNet), times ``loss_weight``.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import sigmoid_focal_loss

from rszoo.registry import MODELS


@MODELS.register_module()
class SigmoidFocalLoss(nn.Module):
    """Focal loss over independent per-class sigmoids (module docstring).

    Args:
        gamma (float): focusing parameter. Defaults to 2.0.
        alpha (float): weight of the positives (``1 - alpha`` for negatives);
            negative disables it. Defaults to 0.25.
        loss_weight (float): multiplier. Defaults to 1.0.
    """

    def __init__(self, gamma: float = 2.0, alpha: float = 0.25, loss_weight: float = 1.0):
        super().__init__()
        self.gamma = gamma
        self.alpha = alpha
        self.loss_weight = loss_weight

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                avg_factor: Optional[float] = None) -> torch.Tensor:
        """Loss.

        Args:
            pred (Tensor): ``(M, K)`` logits.
            target (Tensor): ``(M, K)`` 0/1 targets, or ``(M,)`` class indices
                with ``K`` (or any value outside ``[0, K)``) for background.
            avg_factor (float, optional): divide the sum by it (else the mean).
        """
        if target.dim() == 1:
            num_classes = pred.shape[-1]
            valid = (target >= 0) & (target < num_classes)
            onehot = F.one_hot(torch.where(valid, target, torch.full_like(target, num_classes)),
                               num_classes + 1)[:, :num_classes]
            target = onehot
        if target.shape != pred.shape:
            raise ValueError(f'SigmoidFocalLoss: target {tuple(target.shape)} does not match '
                             f'pred {tuple(pred.shape)}')
        loss = sigmoid_focal_loss(pred.float(), target.to(pred.dtype).float(), alpha=self.alpha,
                                  gamma=self.gamma, reduction='none')
        loss = loss.sum() / avg_factor if avg_factor is not None else loss.mean()
        return self.loss_weight * loss
