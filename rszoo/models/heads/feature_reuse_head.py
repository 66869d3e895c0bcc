"""Feature-reuse classification head: deep (diffusion) features + raw input.

MDFL (AAAI-24, arXiv 2311.09520, abstract) adds "a feature reuse mechanism that
gathers deep and raw features"; details unpublished. The nearest public code
(FedDiff's classifier, ``LDXDU/FedDiff`` ``unet.py`` ``EncoderUNetModel.forward``)
runs the raw patch through a CNN and concatenates it with the diffusion
features. rszoo's choice, for pixel-level classification:

    r   = GELU(LN(W_r x_raw))     x_raw: the raw input at the centre pixel (B, C_raw)
    d   = deep features            (B, D_deep) (e.g. pooled, concatenated block outputs)
    out = MLP([d, r])              (B, K): LN -> Linear(D_deep + R, hidden) -> GELU
                                   -> Dropout -> Linear(hidden, K)

``raw_channels=0`` switches the raw path off (deep features only).
"""
from typing import Optional

import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class FeatureReuseHead(nn.Module):
    """Logits from ``[deep, projected raw]`` (see module doc).

    Args:
        num_classes (int): K.
        deep_channels (int): D_deep.
        raw_channels (int): C_raw (0: no raw path).
        raw_dim (int): R, width of the projected raw features. Defaults to 64.
        hidden_dim (int): MLP width. Defaults to 128.
        dropout (float): before the last layer. Defaults to 0.1.
    """

    def __init__(self, num_classes: int, deep_channels: int, raw_channels: int = 0,
                 raw_dim: int = 64, hidden_dim: int = 128, dropout: float = 0.1):
        super().__init__()
        self.deep_channels, self.raw_channels = int(deep_channels), int(raw_channels)
        self.raw = None
        width = self.deep_channels
        if self.raw_channels:
            self.raw = nn.Sequential(nn.Linear(self.raw_channels, raw_dim), nn.LayerNorm(raw_dim),
                                     nn.GELU())
            width += raw_dim
        self.mlp = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, hidden_dim), nn.GELU(),
                                 nn.Dropout(dropout), nn.Linear(hidden_dim, num_classes))

    def forward(self, deep: torch.Tensor, raw: Optional[torch.Tensor] = None) -> torch.Tensor:
        if deep.dim() != 2 or deep.shape[1] != self.deep_channels:
            raise ValueError(f'FeatureReuseHead: deep features must be (B, '
                             f'{self.deep_channels}), got {tuple(deep.shape)}')
        parts = [deep]
        if self.raw is not None:
            if raw is None:
                raise ValueError('FeatureReuseHead: built with raw_channels='
                                 f'{self.raw_channels} but no raw input was given')
            if raw.dim() == 4:  # (B, C, H, W): the centre pixel
                raw = raw[:, :, raw.shape[2] // 2, raw.shape[3] // 2]
            if raw.shape[1] != self.raw_channels:
                raise ValueError(f'FeatureReuseHead: raw input must have {self.raw_channels} '
                                 f'channels, got {tuple(raw.shape)}')
            parts.append(self.raw(raw))
        return self.mlp(torch.cat(parts, dim=1))
