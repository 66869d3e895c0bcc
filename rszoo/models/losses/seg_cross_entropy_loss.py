"""Pixel-wise cross-entropy for semantic segmentation (DIAnet's plain-CE option).

The authors' FYH recipe trains with OHEM cross-entropy whose ``min_kept``
(131072) exceeds the pixels of a batch (8 x 100 x 100), which keeps every
pixel: in effect ``nn.CrossEntropyLoss(ignore_index=255)`` averaged over the
labelled pixels (the authors' code ``icey-zhang/DIAnet``, ``lib/core/criterion.py``). This is that loss.
"""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class SegCrossEntropyLoss(nn.Module):
    """``CE(logits (N, K, H, W), target (N, H, W))``, mean over non-ignored pixels.

    Args:
        class_weight (sequence[float], optional): per-class weights (with
            weights the mean is weighted, as ``nn.CrossEntropyLoss``).
        ignore_index (int): label of unlabelled pixels. Defaults to 255.
        loss_weight (float): Defaults to 1.0.
        loss_name (str): key in the loss dict. Defaults to ``'loss_ce'``.
    """

    def __init__(self,
                 class_weight: Optional[Sequence[float]] = None,
                 ignore_index: int = 255,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_ce'):
        super().__init__()
        self.class_weight = None if class_weight is None else list(class_weight)
        self.ignore_index = ignore_index
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def forward(self, logits: torch.Tensor, target: torch.Tensor, **kwargs) -> torch.Tensor:
        weight = None
        if self.class_weight is not None:
            if len(self.class_weight) != logits.shape[1]:
                raise ValueError(f'SegCrossEntropyLoss: {len(self.class_weight)} class '
                                 f'weights for {logits.shape[1]} classes')
            weight = logits.new_tensor(self.class_weight)
        if not (target != self.ignore_index).any():
            return logits.sum() * 0.  # no labelled pixel: a zero that keeps the graph
        return self.loss_weight * F.cross_entropy(
            logits, target.long(), weight=weight, ignore_index=self.ignore_index)
