"""The modality encoder of a (CADA-)VAE: an MLP mapping an input vector to the
mean and log-variance of a diagonal Gaussian in the shared latent space.

Schonfeld et al., "Generalized Zero- and Few-Shot Learning via Aligned
Variational Autoencoders" (CADA-VAE, CVPR 2019), the base of MCFA (Liu et al.,
arXiv 2306.06066): ``h = ReLU(W_1 x + b_1)``, ``mu = W_mu h + b_mu``,
``logvar = W_s h + b_s``; ``z = mu + exp(logvar / 2) * eps`` (reparameterised).

Shapes: ``x`` (N, D_in) -> ``mu``, ``logvar`` (N, latent_dim).
"""
from typing import Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS
from .hidden_mlp import hidden_mlp


@MODELS.register_module()
class GaussianMLPEncoder(BaseModule):
    """Args:
        in_channels (int): ``D_in``.
        latent_dim (int): latent size. MCFA: 64.
        hidden_channels (int | sequence): hidden layer widths (MCFA: visual
            512, semantic 256). Each is Linear + ReLU.
    """

    def __init__(self, in_channels: int, latent_dim: int,
                 hidden_channels: Union[int, Sequence[int]] = 512, init_cfg=None):
        super().__init__(init_cfg=init_cfg or dict(type='Xavier', layer='Linear',
                                                   distribution='uniform'))
        self.in_channels = in_channels
        self.latent_dim = latent_dim
        self.trunk, width = hidden_mlp(in_channels, hidden_channels)
        self.mu = nn.Linear(width, latent_dim)
        self.logvar = nn.Linear(width, latent_dim)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        if x.dim() != 2 or x.size(1) != self.in_channels:
            raise ValueError(f'GaussianMLPEncoder: input of shape {tuple(x.shape)}, expected '
                             f'(N, {self.in_channels})')
        h = self.trunk(x)
        return self.mu(h), self.logvar(h)

    @staticmethod
    def sample(mu: torch.Tensor, logvar: torch.Tensor,
               generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """``mu + exp(logvar / 2) * eps``, ``eps ~ N(0, I)`` (drawn from
        ``generator`` on the CPU when one is given)."""
        eps = (torch.randn_like(mu) if generator is None else
               torch.randn(mu.shape, generator=generator).to(mu))
        return mu + torch.exp(0.5 * logvar) * eps
