"""The modality decoder of a (CADA-)VAE: latent ``z`` (N, latent_dim) ->
reconstruction (N, D_out) through an MLP (Linear + ReLU per hidden layer, then
a linear output). Schonfeld et al., CVPR 2019; MCFA (arXiv 2306.06066)."""
from typing import Sequence, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS
from .hidden_mlp import hidden_mlp


@MODELS.register_module()
class MLPDecoder(BaseModule):
    """Args:
        latent_dim (int): input size.
        out_channels (int): ``D_out``, the modality's size.
        hidden_channels (int | sequence): hidden widths (MCFA: visual 512,
            semantic 256).
    """

    def __init__(self, latent_dim: int, out_channels: int,
                 hidden_channels: Union[int, Sequence[int]] = 512, init_cfg=None):
        super().__init__(init_cfg=init_cfg or dict(type='Xavier', layer='Linear',
                                                   distribution='uniform'))
        self.latent_dim = latent_dim
        self.net, width = hidden_mlp(latent_dim, hidden_channels)
        self.net.append(nn.Linear(width, out_channels))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() != 2 or z.size(1) != self.latent_dim:
            raise ValueError(f'MLPDecoder: latent of shape {tuple(z.shape)}, expected '
                             f'(N, {self.latent_dim})')
        return self.net(z)
