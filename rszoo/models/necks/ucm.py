"""SAR-Net's Unity Compensation Mechanism (UCM): global fusion of all pyramid
levels, fed back into each level.

Cao et al., "SAR-Net: Multi-scale Direction-aware SAR Network via Global
Information Fusion", arXiv 2312.16943. The abstract names three parts and no
code is public, so the layers below are rszoo's reading (configs/sarnet/
README.md), close in spirit to Libra R-CNN's balanced
feature pyramid (rescale, integrate, refine, strengthen). For ``L`` input
levels ``x_i`` of shape ``(N, C, H_i, W_i)`` and a reference level ``r``
(``(H_r, W_r)``):

- **MAM** (multi-scale alignment): ``a_i = ReLU(GN(conv1x1(R_r(x_i))))``, with
  ``R_r`` adaptive max pooling for finer levels and bilinear upsampling for
  coarser ones; all ``a_i`` are ``(N, C, H_r, W_r)``.
- **MFM** (multi-level fusion): per-pixel level attention
  ``w = softmax_L(conv1x1(concat_i a_i))`` (``(N, L, H_r, W_r)``), fused map
  ``g = ReLU(GN(conv3x3(sum_i w_i * a_i)))``: each pixel mixes fine texture
  and coarse semantics in its own proportion.
- **MEM** (multi-feature embedding): ``y_i = x_i + conv1x1_i(R_i(g))``, the
  global map resized back (``R_i``) and embedded into every primary branch.

Output: ``L`` maps with the input shapes.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS


def resize_to(x: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    """Adaptive max pooling to shrink, bilinear interpolation to enlarge."""
    if tuple(x.shape[2:]) == tuple(size):
        return x
    if x.shape[2] >= size[0] and x.shape[3] >= size[1]:
        return F.adaptive_max_pool2d(x, size)
    return F.interpolate(x, size=size, mode='bilinear', align_corners=False)


def _conv_gn_relu(in_channels: int, out_channels: int, kernel_size: int,
                  groups: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False),
        nn.GroupNorm(min(groups, out_channels), out_channels), nn.ReLU(inplace=True))


class MultiScaleAlignment(nn.Module):
    """MAM: every level resized to the reference size and aligned by a 1x1
    conv + GN + ReLU. ``L x (N, C_in, H_i, W_i) -> L x (N, C, H_r, W_r)``."""

    def __init__(self, in_channels: int, channels: int, num_levels: int, norm_groups: int):
        super().__init__()
        self.align = nn.ModuleList(
            _conv_gn_relu(in_channels, channels, 1, norm_groups) for _ in range(num_levels))

    def forward(self, feats: Sequence[torch.Tensor], size: Tuple[int, int]) -> List[torch.Tensor]:
        return [conv(resize_to(x, size)) for conv, x in zip(self.align, feats)]


class MultiLevelFusion(nn.Module):
    """MFM: softmax attention over the levels at every pixel, then a 3x3
    refinement. ``L x (N, C, H, W) -> (N, C, H, W)``; :attr:`last_weights`
    keeps the ``(N, L, H, W)`` attention of the last call."""

    def __init__(self, channels: int, num_levels: int, norm_groups: int):
        super().__init__()
        self.attention = nn.Conv2d(channels * num_levels, num_levels, 1)
        nn.init.zeros_(self.attention.weight)  # start from the plain average
        nn.init.zeros_(self.attention.bias)
        self.refine = _conv_gn_relu(channels, channels, 3, norm_groups)
        self.last_weights: Optional[torch.Tensor] = None

    def forward(self, aligned: Sequence[torch.Tensor]) -> torch.Tensor:
        stacked = torch.stack(list(aligned), dim=1)  # (N, L, C, H, W)
        weights = self.attention(torch.cat(list(aligned), dim=1)).softmax(dim=1)
        self.last_weights = weights.detach()
        return self.refine((weights.unsqueeze(2) * stacked).sum(dim=1))


class MultiFeatureEmbedding(nn.Module):
    """MEM: the global map resized to each level, embedded by a 1x1 conv and
    added to that level. ``(N, C, H_r, W_r), L x (N, C_out, H_i, W_i) -> L x ...``"""

    def __init__(self, channels: int, out_channels: int, num_levels: int):
        super().__init__()
        self.embed = nn.ModuleList(
            nn.Conv2d(channels, out_channels, 1) for _ in range(num_levels))

    def forward(self, fused: torch.Tensor,
                feats: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        return tuple(x + conv(resize_to(fused, tuple(x.shape[2:])))
                     for conv, x in zip(self.embed, feats))


@MODELS.register_module()
class UCM(BaseModule):
    """Unity Compensation Mechanism neck: MAM -> MFM -> MEM (module docstring).

    Args:
        in_channels (int): channels of every input level (an FPN's ``out_channels``).
        num_levels (int): number of levels ``L``.
        channels (int, optional): channels of the aligned / fused maps.
            Defaults to ``in_channels``.
        refine_level (int, optional): index of the reference level. Defaults
            to ``num_levels // 2`` (the middle level).
        norm_groups (int): GroupNorm groups. Defaults to 32.
        init_cfg (dict, optional): mmengine init.
    """

    def __init__(self,
                 in_channels: int,
                 num_levels: int,
                 channels: Optional[int] = None,
                 refine_level: Optional[int] = None,
                 norm_groups: int = 32,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        channels = channels or in_channels
        refine_level = num_levels // 2 if refine_level is None else refine_level
        if not 0 <= refine_level < num_levels:
            raise ValueError(f'UCM: refine_level {refine_level} is outside the '
                             f'{num_levels} levels')
        self.in_channels = in_channels
        self.num_levels = num_levels
        self.refine_level = refine_level
        self.mam = MultiScaleAlignment(in_channels, channels, num_levels, norm_groups)
        self.mfm = MultiLevelFusion(channels, num_levels, norm_groups)
        self.mem = MultiFeatureEmbedding(channels, in_channels, num_levels)

    def forward(self, inputs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        if len(inputs) != self.num_levels:
            raise ValueError(f'UCM: got {len(inputs)} levels, built for {self.num_levels}')
        for i, x in enumerate(inputs):
            if x.shape[1] != self.in_channels:
                raise ValueError(f'UCM: level {i} has {x.shape[1]} channels, expected '
                                 f'{self.in_channels}')
        size = tuple(inputs[self.refine_level].shape[2:])
        fused = self.mfm(self.mam(inputs, size))
        return self.mem(fused, inputs)
