"""ACW loss: adaptive class weighting, DIAnet's distribution-aware loss (DAL).

Liu et al., "Multi-view self-constructing graph convolutional networks with
adaptive class weighting loss for semantic segmentation" (MSCG-Net, CVPRW 2020);
the loss file of DIAnet's code (``lib/core/acw_loss.py``, used with
``LOSS.USE_ACW``; arXiv 2401.03182 names it the distribution-aware loss).

For logits ``z`` ``(N, K, H, W)`` and labels ``t`` ``(N, H, W)``:
``p = softmax(z)``, ``y = onehot(t)`` (zero for ignored pixels), eps = 1e-5.

- Class frequency of the batch: ``f(c) = sum_{n,h,w} y_c / sum y``; its running
  mean since the start of training (no decay), ``w_t = ((t-1) w_{t-1} + f_t) / t``.
- Balance factor ``m(c) = mean_c(w_t) / (w_t(c) + eps)``, normalised to
  ``sum_c m = 1``; pixel weight ``acw = (1 + p + y) * m(c)`` (zero on ignored pixels).
- PNC term: ``e = (y - p)^2``, ``pnc = e - log((1 - e + eps) / (1 + e + eps))``,
  ``L_pnc = mean_{n,h,w} sum_c acw * pnc`` (ignored pixels count as zeros in the mean).
- Dice term: ``d_c = (2 sum p y + eps) / (sum (p + y) + eps)`` over the batch
  (ignored pixels left out of ``sum p``); ``L = L_pnc - log(mean_c d_c)``.

As in the reference, the gradient flows through ``p`` inside ``acw`` too.

Differences from the reference (the notes' pitfall 6): the running frequency
``w_t`` and the step ``t`` are registered buffers (``class_freq``,
``num_updates``), so they are saved in checkpoints, resumed, and broadcast by
DDP; the batch class counts are summed over all processes first (so every
process holds the same ``w_t``), and the state is updated only in training mode
(the reference also updated it on validation batches).
"""
from typing import Optional

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class ACWLoss(nn.Module):
    """Adaptive class weighting loss (see the module docstring).

    Args:
        num_classes (int): ``K``; the size of the running class-frequency buffer.
        eps (float): Defaults to 1e-5.
        ignore_index (int, optional): label of pixels without a target.
            Defaults to 255.
        loss_weight (float): Defaults to 1.0.
        loss_name (str): key in the loss dict. Defaults to ``'loss_acw'``.
    """

    def __init__(self,
                 num_classes: int,
                 eps: float = 1e-5,
                 ignore_index: Optional[int] = 255,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_acw'):
        super().__init__()
        if num_classes < 2:
            raise ValueError(f'ACWLoss: num_classes must be >= 2, got {num_classes}')
        self.num_classes = num_classes
        self.eps = eps
        self.ignore_index = ignore_index
        self.loss_weight = loss_weight
        self._loss_name = loss_name
        self.register_buffer('class_freq', torch.zeros(num_classes))
        self.register_buffer('num_updates', torch.zeros((), dtype=torch.long))

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def one_hot(self, target: torch.Tensor):
        """``(N, H, W)`` labels -> one-hot ``(N, K, H, W)`` float and the
        ``(N, 1, H, W)`` mask of ignored pixels."""
        ignored = torch.zeros_like(target, dtype=torch.bool)
        if self.ignore_index is not None:
            ignored = target == self.ignore_index
        valid = target.masked_fill(ignored, 0)
        if valid.numel() and (valid.min() < 0 or valid.max() >= self.num_classes):
            raise ValueError(f'ACWLoss: labels must be in [0, {self.num_classes}) or '
                             f'{self.ignore_index}, got values {valid.min().item()}..'
                             f'{valid.max().item()}')
        y = F.one_hot(valid.long(), self.num_classes).permute(0, 3, 1, 2).float()
        ignored = ignored.unsqueeze(1)
        return y.masked_fill(ignored, 0.), ignored

    @torch.no_grad()
    def update_class_freq(self, y: torch.Tensor) -> None:
        """``w_t = ((t-1) w_{t-1} + f_t) / t`` from the one-hot labels of this
        step (summed over every process under DDP)."""
        counts = y.sum(dim=(0, 2, 3))
        if dist.is_available() and dist.is_initialized():
            dist.all_reduce(counts)
        freq = counts / counts.sum().clamp_min(1.)
        self.num_updates += 1
        t = self.num_updates.to(freq.dtype)
        self.class_freq.mul_((t - 1) / t).add_(freq / t)

    def balance_factor(self) -> torch.Tensor:
        """``m(c)``, shape ``(K,)``, summing to 1."""
        m = self.class_freq.mean() / (self.class_freq + self.eps)
        return m / m.sum()

    def forward(self, logits: torch.Tensor, target: torch.Tensor, **kwargs) -> torch.Tensor:
        """Args: logits ``(N, K, H, W)``, target ``(N, H, W)`` int. Returns the scalar loss."""
        if logits.dim() != 4 or logits.shape[1] != self.num_classes:
            raise ValueError(f'ACWLoss: expected (N, {self.num_classes}, H, W) logits, got '
                             f'{tuple(logits.shape)}')
        if target.shape != logits.shape[:1] + logits.shape[2:]:
            raise ValueError(f'ACWLoss: target shape {tuple(target.shape)} does not match '
                             f'logits {tuple(logits.shape)}')
        p = logits.float().softmax(dim=1)
        y, ignored = self.one_hot(target)
        if self.training:
            self.update_class_freq(y)
        m = self.balance_factor()[None, :, None, None]
        acw = ((1. + p + y) * m).masked_fill(ignored, 0.)
        err = (y - p).pow(2)
        pnc = err - ((1. - err + self.eps) / (1. + err + self.eps)).log()
        loss_pnc = (acw * pnc).sum(dim=1).mean()
        intersection = 2. * (p * y).sum(dim=(0, 2, 3)) + self.eps
        union = (p + y).masked_fill(ignored, 0.).sum(dim=(0, 2, 3)) + self.eps
        dice = intersection / union
        return self.loss_weight * (loss_pnc - dice.mean().log())
