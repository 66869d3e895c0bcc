"""MIViT's reconstruction decoder (training only; authors' ``decoder`` +
``CNN_Decoder``, ``structure.py:388-429, 253-281``).

``x_vit`` (B, T+1, D) -> Linear(D -> d) + position embedding (1, T+1, d) (randn)
-> :class:`~rszoo.models.backbones.mivit_transformer.PreNormTransformer` (width d)
-> Linear(d -> D) -> drop cls -> a (B, D, h, w) map (h = w = sqrt(T)) -> for each
scale k and modality m: nearest Upsample(k) (none for k = 1) + Conv3x3(D -> l_m) +
sigmoid, rebuilding the ``(B, l_m, h*k, w*k)`` input patch.

    L_rec = (1/n_scales) sum_k [0.5 MSE(x_hat_{a,k}, x_{a,k}) + 0.5 MSE(x_hat_{b,k}, x_{b,k})]

The sigmoid outputs live in [0, 1]: the inputs are min-max normalised.
"""
from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS

from ..backbones.mivit_transformer import PreNormTransformer


@MODELS.register_module()
class MIViTReconstructionDecoder(nn.Module):
    """Args:
        in_channels (sequence of int): bands of the two modalities.
        num_pixels (int): T = h*w (64).
        scales (sequence of int): as the encoder's ((1, 2, 3)).
        encoder_dim (int): D (64); decoder_dim (int): d (32).
        depth, heads, dim_head, mlp_dim, dropout: decoder transformer (5, 4, 16, 8, 0.1).
    """

    def __init__(self, in_channels: Sequence[int], num_pixels: int = 64,
                 scales: Sequence[int] = (1, 2, 3), encoder_dim: int = 64,
                 decoder_dim: int = 32, depth: int = 5, heads: int = 4, dim_head: int = 16,
                 mlp_dim: int = 8, dropout: float = 0.1):
        super().__init__()
        self.scales = tuple(scales)
        self.embed = nn.Linear(encoder_dim, decoder_dim)
        self.pos_embed = nn.Parameter(torch.randn(1, num_pixels + 1, decoder_dim))
        self.transformer = PreNormTransformer(decoder_dim, depth, heads, dim_head, mlp_dim,
                                              dropout)
        self.project = nn.Linear(decoder_dim, encoder_dim)
        self.rebuild = nn.ModuleList(
            nn.ModuleList(
                nn.Sequential(*([nn.Upsample(scale_factor=k)] if k > 1 else []),
                              nn.Conv2d(encoder_dim, c, 3, 1, 1), nn.Sigmoid())
                for c in in_channels) for k in self.scales)

    def reconstruct(self, x_vit: torch.Tensor) -> List[List[torch.Tensor]]:
        """``[[x_hat_a, x_hat_b] for each scale]``."""
        x = self.project(self.transformer(self.embed(x_vit) + self.pos_embed))[:, 1:]
        b, n, d = x.shape
        side = int(round(n ** 0.5))
        feature = x.transpose(1, 2).reshape(b, d, side, side)
        return [[head(feature) for head in heads] for heads in self.rebuild]

    def forward(self, x_vit: torch.Tensor, inputs_a: List[torch.Tensor],
                inputs_b: List[torch.Tensor]) -> torch.Tensor:
        """The reconstruction loss L_rec (a scalar)."""
        loss = 0
        for (hat_a, hat_b), a, b in zip(self.reconstruct(x_vit), inputs_a, inputs_b):
            loss = loss + 0.5 * F.mse_loss(hat_a, a) + 0.5 * F.mse_loss(hat_b, b)
        return loss / len(self.scales)
