"""MIViT's cross-scale pyramid (auxiliary branch; authors' ``structure.py:481-510,
676-709``, ``cnn_encoder_A_and_B_cross`` + ``pyramid``).

At every scale k, one ``Conv3x3-BN-ReLU`` per modality (bands -> C) and an own
:class:`~.OrientedAttentionFusion` give a fused map ``X_k`` (B, C, base*k, base*k).

``mode='authors'`` (scales 1, 2, 3 of base 8, i.e. 8 / 16 / 24 pixels) is the
code's pyramid: upsample x2 / x1.5, concatenate with the next scale, CBRM blocks,
two valid 5x5 convs (24 -> 16), a max-pool back to 8, concatenations, giving
``(B, 3C, 8, 8)`` (its two other outputs are unused and dropped).
``mode='pooled'`` works for any scales (pixel vectors: one 1 x 1 scale):
adaptive-average-pool each ``X_k`` to ``base`` and concatenate, giving
``(B, n_scales*C, base, base)``; an rszoo choice, not the authors'.
The result feeds only :class:`~rszoo.models.heads.MIViTPyramidHead` and the
auxiliary losses.
"""
from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS

from ..backbones.mivit_alignment_encoder import cbrm
from .oriented_attention_fusion import OrientedAttentionFusion

MODES = ('authors', 'pooled')


@MODELS.register_module()
class MIViTCrossScalePyramid(nn.Module):
    """Per-scale cross-modal fusion + pyramid aggregation (see module doc).

    Args:
        in_channels (sequence of int): bands of the two modalities.
        scales (sequence of int): the input scales (multiples of the base side).
        channels (int): C (64).
        mode (str): ``'authors'`` (needs scales (1, 2, 3)) or ``'pooled'``.

    Inputs: two lists of ``(B, l_m, base*k, base*k)``. Output ``(B, out_channels,
    base, base)`` with ``out_channels`` = 3C (authors) or n_scales*C (pooled).
    """

    def __init__(self, in_channels: Sequence[int], scales: Sequence[int] = (1, 2, 3),
                 channels: int = 64, mode: str = 'authors', bn_momentum: float = 0.9):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f'MIViTCrossScalePyramid: mode must be one of {MODES}, got {mode!r}')
        self.scales, self.mode = tuple(scales), mode
        if mode == 'authors' and self.scales != (1, 2, 3):
            raise ValueError('MIViTCrossScalePyramid: mode="authors" is the code\'s 8/16/24 '
                             f'pyramid and needs scales (1, 2, 3), got {self.scales}; use '
                             'mode="pooled"')
        self.convs = nn.ModuleList(
            nn.ModuleList(cbrm(c, channels, 1) for c in in_channels) for _ in self.scales)
        self.fusions = nn.ModuleList(OrientedAttentionFusion(channels, bn_momentum=bn_momentum)
                                     for _ in self.scales)
        c = channels
        if mode == 'authors':
            self.conv1 = cbrm(c, c, 1)
            self.conv2c, self.conv2 = cbrm(2 * c, c, 1), cbrm(c, c, 1)
            self.conv3c = cbrm(2 * c, c, 1)
            self.conv3 = cbrm(c, c, 1, kernel_size=5, padding=0)
            self.conv3_ = cbrm(c, c, 1, kernel_size=5, padding=0)
            self.conv4c, self.conv4 = cbrm(2 * c, 2 * c, 1), cbrm(2 * c, 2 * c, 2)
            self.conv5 = cbrm(3 * c, 3 * c, 1)
            self.out_channels = 3 * c
        else:
            self.out_channels = len(self.scales) * c

    def forward(self, inputs_a: List[torch.Tensor], inputs_b: List[torch.Tensor]) -> torch.Tensor:
        fused = [fusion(conv_a(a), conv_b(b)) for (conv_a, conv_b), fusion, a, b in
                 zip(self.convs, self.fusions, inputs_a, inputs_b)]
        if self.mode == 'pooled':
            base = fused[0].shape[-1]
            return torch.cat([F.adaptive_avg_pool2d(x, base) for x in fused], dim=1)
        cross1, cross2, cross3 = fused
        x1 = self.conv1(cross1)
        x2 = self.conv2(self.conv2c(torch.cat([F.interpolate(x1, scale_factor=2), cross2], 1)))
        x3c = self.conv3c(torch.cat([F.interpolate(x2, scale_factor=1.5), cross3], 1))
        x3 = self.conv3_(self.conv3(x3c))
        x4 = self.conv4(self.conv4c(torch.cat([x3, x2], 1)))
        return self.conv5(torch.cat([x4, x1], 1))
