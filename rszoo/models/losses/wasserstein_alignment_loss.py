"""Distribution alignment of CADA-VAE (Schonfeld et al., CVPR 2019), used by
MCFA (arXiv 2306.06066) with weight 1: the 2-Wasserstein distance between the
two modalities' diagonal Gaussians of the same sample,

    W_i = sqrt( ||mu1_i - mu2_i||^2 + ||sigma1_i - sigma2_i||^2 ),
    sigma = exp(logvar / 2),

summed (``reduction='sum'``, the authors' code) or averaged over the batch.
Shapes: each of ``mu1, logvar1, mu2, logvar2`` is (N, d).
"""
import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class WassersteinAlignmentLoss(nn.Module):
    """Args:
        reduction (str): ``'sum'`` or ``'mean'``. Defaults to 'sum'.
        loss_weight (float): Defaults to 1.
        eps (float): added under the square root (its gradient at 0). Defaults to 1e-12.
    """

    def __init__(self, reduction: str = 'sum', loss_weight: float = 1.0, eps: float = 1e-12):
        super().__init__()
        if reduction not in ('sum', 'mean'):
            raise ValueError(f"WassersteinAlignmentLoss: reduction must be 'sum' or 'mean', "
                             f'got {reduction!r}')
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.eps = eps

    def forward(self, mu1, logvar1, mu2, logvar2) -> torch.Tensor:
        shapes = {tuple(t.shape) for t in (mu1, logvar1, mu2, logvar2)}
        if len(shapes) != 1:
            raise ValueError(f'WassersteinAlignmentLoss: shapes {sorted(shapes)} differ')
        sq = (mu1 - mu2).pow(2).sum(1) + \
            (torch.exp(0.5 * logvar1) - torch.exp(0.5 * logvar2)).pow(2).sum(1)
        distance = torch.sqrt(sq + self.eps)
        loss = distance.sum() if self.reduction == 'sum' else distance.mean()
        return self.loss_weight * loss
