"""Sum over stages of mean squared errors: STAD's reconstruction loss (teacher)
and its FC-to-conv distillation loss (student).

``L = sum_k w_k * mean((pred_k - target_k)^2)`` over K stage outputs, all weights 1
in the authors' code (train_teacher.py:135-137, train_student.py:140-145).
"""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class StageMSELoss(nn.Module):
    """Args:
        stage_weights (list[float], optional): ``w_k``; all 1 if ``None``.
        loss_weight (float): a global factor. Default 1.
    """

    def __init__(self, stage_weights: Optional[Sequence[float]] = None, loss_weight: float = 1.):
        super().__init__()
        self.stage_weights = None if stage_weights is None else list(stage_weights)
        self.loss_weight = loss_weight

    def forward(self, preds: Sequence[torch.Tensor],
                targets: Sequence[torch.Tensor]) -> torch.Tensor:
        if len(preds) != len(targets):
            raise ValueError(f'StageMSELoss: {len(preds)} predictions vs {len(targets)} targets')
        weights = self.stage_weights or [1.] * len(preds)
        if len(weights) != len(preds):
            raise ValueError(f'StageMSELoss: {len(weights)} stage weights for {len(preds)} stages')
        total = 0.
        for k, (w, p, t) in enumerate(zip(weights, preds, targets)):
            if p.shape != t.shape:
                raise ValueError(f'StageMSELoss: stage {k}: prediction {tuple(p.shape)} vs '
                                 f'target {tuple(t.shape)}')
            total = total + w * F.mse_loss(p, t)
        return self.loss_weight * total
