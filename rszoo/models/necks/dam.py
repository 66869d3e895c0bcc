"""SAR-Net's Direction-aware Attention Module (DAM) on every pyramid level.

Cao et al., arXiv 2312.16943: "bidirectional attention polymerization"
captures direction-aware information and suppresses background clutter. No
code is public; rszoo reads "bidirectional" as the horizontal and vertical
directions, as coordinate attention (Hou et al., CVPR 2021) does
(configs/sarnet/README.md). For ``x`` of shape ``(N, C, H, W)``:

1. directional pooling: ``z_h = mean_W x`` ``(N, C, H, 1)`` and
   ``z_w = mean_H x`` ``(N, C, 1, W)`` (plus the max along the same axis with
   ``pooling='avg+max'``: the "polymerization" of both statistics);
2. joint encoding: ``f = act(BN(conv1x1([z_h; z_w^T])))`` over the
   concatenated ``H + W`` positions, ``C -> C_mid = max(min_channels, C // reduction)``;
3. split into ``f_h`` ``(N, C_mid, H, 1)`` and ``f_w`` ``(N, C_mid, 1, W)``,
   ``a_h = sigmoid(conv1x1(f_h))``, ``a_w = sigmoid(conv1x1(f_w))``;
4. ``y = x * a_h * a_w`` (each pixel re-weighted by its row's and its
   column's attention); with ``residual=True``, ``y = x + x * a_h * a_w``.
"""
from typing import Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS

POOLINGS = ('avg', 'avg+max')


class DirectionAwareAttention(nn.Module):
    """One level's direction-aware attention (module docstring, steps 1-4).

    Shapes: ``(N, C, H, W) -> (N, C, H, W)``; :attr:`last_maps` keeps the
    ``(a_h, a_w)`` of the last call.
    """

    def __init__(self, channels: int, reduction: int = 16, min_channels: int = 8,
                 pooling: str = 'avg', residual: bool = False):
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f'DAM: pooling must be one of {POOLINGS}, got {pooling!r}')
        mid = max(min_channels, channels // reduction)
        self.pooling = pooling
        self.residual = residual
        self.encode = nn.Sequential(nn.Conv2d(channels, mid, 1, bias=False),
                                    nn.BatchNorm2d(mid), nn.Hardswish(inplace=True))
        self.attn_h = nn.Conv2d(mid, channels, 1)
        self.attn_w = nn.Conv2d(mid, channels, 1)
        self.last_maps = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        z_h = x.mean(dim=3, keepdim=True)                  # (N, C, H, 1)
        z_w = x.mean(dim=2, keepdim=True)                  # (N, C, 1, W)
        if self.pooling == 'avg+max':
            z_h = z_h + x.amax(dim=3, keepdim=True)
            z_w = z_w + x.amax(dim=2, keepdim=True)
        joint = torch.cat((z_h, z_w.transpose(2, 3)), dim=2)  # (N, C, H + W, 1)
        f = self.encode(joint)
        f_h, f_w = torch.split(f, (h, w), dim=2)
        a_h = self.attn_h(f_h).sigmoid()                  # (N, C, H, 1)
        a_w = self.attn_w(f_w.transpose(2, 3)).sigmoid()  # (N, C, 1, W)
        self.last_maps = (a_h.detach(), a_w.detach())
        y = x * a_h * a_w
        return x + y if self.residual else y


@MODELS.register_module()
class DAM(BaseModule):
    """Direction-aware attention on each of ``num_levels`` levels (a neck).

    Args:
        channels (int): channels of every level.
        num_levels (int): number of levels.
        reduction (int): channel reduction of the joint encoding. Defaults to 16.
        min_channels (int): lower bound of the encoding's channels. Defaults to 8.
        pooling (str): ``'avg'`` (coordinate attention) or ``'avg+max'``.
        residual (bool): ``x + x * a_h * a_w`` instead of ``x * a_h * a_w``.
        share (bool): one module for every level (like a shared head) instead
            of one per level. Defaults to False.
        init_cfg (dict, optional): mmengine init.
    """

    def __init__(self,
                 channels: int,
                 num_levels: int,
                 reduction: int = 16,
                 min_channels: int = 8,
                 pooling: str = 'avg',
                 residual: bool = False,
                 share: bool = False,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.channels = channels
        self.num_levels = num_levels
        self.share = share
        make = lambda: DirectionAwareAttention(channels, reduction, min_channels,  # noqa: E731
                                               pooling, residual)
        self.attentions = nn.ModuleList([make()] if share else
                                        [make() for _ in range(num_levels)])

    def forward(self, inputs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        if len(inputs) != self.num_levels:
            raise ValueError(f'DAM: got {len(inputs)} levels, built for {self.num_levels}')
        outs = []
        for i, x in enumerate(inputs):
            if x.shape[1] != self.channels:
                raise ValueError(f'DAM: level {i} has {x.shape[1]} channels, expected '
                                 f'{self.channels}')
            outs.append(self.attentions[0 if self.share else i](x))
        return tuple(outs)
