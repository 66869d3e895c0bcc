"""KL divergence of a diagonal Gaussian from the standard normal, the VAE
regulariser of CADA-VAE (Schonfeld et al., CVPR 2019) and MCFA (arXiv 2306.06066):

    KL(N(mu, diag(exp(logvar))) || N(0, I))
        = -1/2 * sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))

summed over the latent dimensions; ``reduction='sum'`` (the authors' code)
sums it over the batch, ``'mean'`` averages. Shapes: ``mu``, ``logvar`` (N, d).
"""
import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class GaussianKLLoss(nn.Module):
    """Args:
        reduction (str): ``'sum'`` or ``'mean'`` over the batch. Defaults to 'sum'.
        loss_weight (float): Defaults to 1.
    """

    def __init__(self, reduction: str = 'sum', loss_weight: float = 1.0):
        super().__init__()
        if reduction not in ('sum', 'mean'):
            raise ValueError(f"GaussianKLLoss: reduction must be 'sum' or 'mean', "
                             f'got {reduction!r}')
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        if mu.shape != logvar.shape:
            raise ValueError(f'GaussianKLLoss: mu {tuple(mu.shape)} and logvar '
                             f'{tuple(logvar.shape)} differ')
        per_sample = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)
        loss = per_sample.sum() if self.reduction == 'sum' else per_sample.mean()
        return self.loss_weight * loss
