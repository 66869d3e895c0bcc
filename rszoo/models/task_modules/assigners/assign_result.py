"""The outcome of assigning ground-truth boxes to priors (mmdetection's
``AssignResult``, reduced to what a dense head needs)."""
from dataclasses import dataclass

import torch


@dataclass
class AssignResult:
    """Per-prior assignment.

    Attributes:
        num_gts (int): number of ground-truth boxes ``G``.
        gt_inds (Tensor): ``(P,)`` int64; ``0`` background, ``i >= 1`` the
            ``(i - 1)``-th ground-truth box.
        labels (Tensor): ``(P,)`` int64; the class of the assigned box, ``-1``
            for background.
    """

    num_gts: int
    gt_inds: torch.Tensor
    labels: torch.Tensor

    @property
    def pos_mask(self) -> torch.Tensor:
        """``(P,)`` bool: priors assigned to a box."""
        return self.gt_inds > 0

    @property
    def num_pos(self) -> int:
        return int(self.pos_mask.sum())
