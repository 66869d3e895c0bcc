"""The DDPM noise-prediction loss ``|| eps - eps_theta(x_t, t) ||``.

J. Ho et al., "Denoising Diffusion Probabilistic Models", NeurIPS 2020, Eq. 14
(the "simple" loss, L2). FedDiff's released diffusion stage uses the L1 form
(``LDXDU/FedDiff`` ``diffusion.py``, ``p_losses``: ``F.l1_loss(noise, predicted)``).

Shapes: ``pred`` and ``noise`` ``(N, ...)`` (same shape) -> scalar (element mean).
"""
import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class DiffusionNoiseLoss(nn.Module):
    """Mean ``|eps - eps_hat|`` (``'l1'``, FedDiff) or ``(eps - eps_hat)^2`` (``'l2'``, DDPM).

    Args:
        norm (str): ``'l1'`` or ``'l2'``. Defaults to ``'l1'``.
        loss_weight (float): factor on the loss. Defaults to 1.
    """

    def __init__(self, norm: str = 'l1', loss_weight: float = 1.0):
        super().__init__()
        if norm not in ('l1', 'l2'):
            raise ValueError(f"DiffusionNoiseLoss: norm must be 'l1' or 'l2', got {norm!r}")
        self.norm, self.loss_weight = norm, float(loss_weight)

    def forward(self, pred: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        if pred.shape != noise.shape:
            raise ValueError(f'DiffusionNoiseLoss: prediction {tuple(pred.shape)} and noise '
                             f'{tuple(noise.shape)} differ in shape')
        fn = F.l1_loss if self.norm == 'l1' else F.mse_loss
        return self.loss_weight * fn(pred, noise)
