"""HRNetV2 without its stem: DIAnet's high-resolution and multi-resolution branches.

DIAnet (Zhang et al., arXiv 2401.03182, "Distribution-aware Interactive-Attention
Network for cloud recognition"); reference: the authors' code, github
icey-zhang/DIAnet, ``lib/models/seg_hrnet_without_interpolate_AWCA_PSNL_z.py``
(a fork of HRNet-Semantic-Segmentation, HRNetV2-W48).

The paper's *high-resolution branch* and *parallel multi-resolution cross-branch*
are HRNet's stages 1-4 with the two stride-2 stem convolutions removed, so the
network runs at the input's resolution (4 km AGRI pixels). For one
``(N, 14, 100, 100)`` tile and the default (W48) widths:

==========  ==============================================================
stage 1     ``stage1_blocks`` Bottlenecks of width 64 (the first with a
            1x1 projection ``in_channels -> 256``): ``(N, 256, 100, 100)``
transition  3x3 conv-BN-ReLU ``256 -> W`` (100 px) and stride-2 ``256 -> 2W`` (50 px)
stages 2-4  ``num_modules = (1, 4, 3)`` HR modules with 2 / 3 / 4 branches of
            ``num_blocks`` BasicBlocks each; branch ``i`` has ``W * 2**i``
            channels at ``1 / 2**i`` resolution: 48/96/192/384 channels at
            100/50/25/13 px. Each module ends in a sum fusion: to a finer
            branch 1x1 conv + BN then a bilinear resize to the exact size
            (13 -> 25 is not a factor of 2); to a coarser branch a chain of
            stride-2 3x3 conv + BN (ReLU on all but the last).
==========  ==============================================================

Output: the tuple ``(stage1, branch0, branch1, branch2, branch3)``, i.e.
``(N, 256, H, W), (N, W, H, W), (N, 2W, H/2, W/2), ...``; DIAnet's decode
head uses the stage-1 map as a skip (:class:`~rszoo.models.heads.DIAnetHead`).

Width and depth are config fields (``base_channels``, ``stage1_channels``,
``stage1_blocks``, ``num_modules``, ``num_blocks``); the defaults are the paper's
HRNetV2-W48 (``configs/dianet/_base_/dianet_hrnetv2-w48.py``). The authors' stale stem
and the unused ``last_last_layer_*`` are not built.
"""
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule
from mmpretrain.models.backbones.resnet import BasicBlock, Bottleneck
from torch import nn

from rszoo.registry import MODELS


def _conv_bn(in_channels: int, out_channels: int, kernel_size: int, stride: int,
             norm_cfg: dict, relu: bool) -> nn.Sequential:
    """``kernel_size`` conv (no bias, 'same' padding) + norm (+ ReLU)."""
    layers = [
        build_conv_layer(None, in_channels, out_channels, kernel_size, stride=stride,
                         padding=kernel_size // 2, bias=False),
        build_norm_layer(norm_cfg, out_channels)[1],
    ]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class HRModule(nn.Module):
    """One high-resolution module: parallel branches of BasicBlocks, then a
    sum fusion of every branch into every branch (HRNet, Sun et al. 2019).

    Args:
        channels (list[int]): channels of each branch (finest first).
        num_blocks (int): BasicBlocks per branch.
        norm_cfg (dict): the norm layer.
        align_corners (bool): of the bilinear resize to finer branches.
    """

    def __init__(self, channels: Sequence[int], num_blocks: int, norm_cfg: dict,
                 align_corners: bool = False):
        super().__init__()
        self.channels = list(channels)
        self.align_corners = align_corners
        self.branches = nn.ModuleList([
            nn.Sequential(*[
                BasicBlock(c, c, norm_cfg=norm_cfg) for _ in range(num_blocks)])
            for c in self.channels
        ])
        num = len(self.channels)
        self.fuse_layers = nn.ModuleList()
        for i in range(num):
            row = nn.ModuleList()
            for j in range(num):
                if j > i:  # coarser -> finer: 1x1 conv + BN (resize in forward)
                    row.append(_conv_bn(self.channels[j], self.channels[i], 1, 1, norm_cfg,
                                        relu=False))
                elif j == i:
                    row.append(nn.Identity())
                else:  # finer -> coarser: (i - j) stride-2 3x3 convs
                    steps = []
                    for k in range(i - j):
                        last = k == i - j - 1
                        steps.append(_conv_bn(self.channels[j],
                                              self.channels[i] if last else self.channels[j],
                                              3, 2, norm_cfg, relu=not last))
                    row.append(nn.Sequential(*steps))
            self.fuse_layers.append(row)
        self.relu = nn.ReLU(inplace=False)

    def forward(self, x: List[torch.Tensor]) -> List[torch.Tensor]:
        x = [branch(xi) for branch, xi in zip(self.branches, x)]
        if len(x) == 1:
            return x
        fused = []
        for i, row in enumerate(self.fuse_layers):
            y = x[i]
            for j, layer in enumerate(row):
                if j == i:
                    continue
                z = layer(x[j])
                if j > i:
                    z = F.interpolate(z, size=x[i].shape[2:], mode='bilinear',
                                      align_corners=self.align_corners)
                y = y + z
            fused.append(self.relu(y))
        return fused


@MODELS.register_module()
class HRNetNoStem(BaseModule):
    """HRNetV2 with no stem (DIAnet's backbone); see the module docstring.

    Args:
        in_channels (int): input bands. Defaults to 14 (FY-4A AGRI).
        base_channels (int): width ``W`` of branch 0; branch ``i`` has
            ``W * 2**i`` channels. Defaults to 48 (HRNetV2-W48).
        stage1_channels (int): Bottleneck width of stage 1 (output 4x).
            Defaults to 64.
        stage1_blocks (int): Bottlenecks in stage 1. Defaults to 4.
        num_modules (sequence[int]): HR modules in stages 2, 3, 4.
            Defaults to ``(1, 4, 3)``.
        num_blocks (int | sequence[int]): BasicBlocks per branch, one value or
            one per stage 2, 3, 4. Defaults to 4.
        align_corners (bool): of the bilinear resizes in the fusions.
            Defaults to False.
        norm_cfg (dict): norm layer; defaults to BatchNorm, momentum 0.1 (the
            authors' ``BN_MOMENTUM``).
        init_cfg (dict | list, optional): defaults to the authors' init:
            conv weights ``N(0, 0.001)``, norm ``gamma = 1, beta = 0``.
    """

    def __init__(self,
                 in_channels: int = 14,
                 base_channels: int = 48,
                 stage1_channels: int = 64,
                 stage1_blocks: int = 4,
                 num_modules: Sequence[int] = (1, 4, 3),
                 num_blocks: Union[int, Sequence[int]] = 4,
                 align_corners: bool = False,
                 norm_cfg: dict = dict(type='BN', momentum=0.1),
                 init_cfg: Optional[Union[dict, list]] = (
                     dict(type='Normal', layer='Conv2d', std=0.001, bias=0.),
                     dict(type='Constant', layer=['_BatchNorm'], val=1., bias=0.))):
        super().__init__(init_cfg=list(init_cfg) if isinstance(init_cfg, tuple) else init_cfg)
        if len(num_modules) != 3:
            raise ValueError('HRNetNoStem: num_modules needs one value per stage 2, 3, 4, '
                             f'got {num_modules!r}')
        if isinstance(num_blocks, int):
            num_blocks = (num_blocks, ) * 3
        if len(num_blocks) != 3:
            raise ValueError('HRNetNoStem: num_blocks must be an int or one value per '
                             f'stage 2, 3, 4, got {num_blocks!r}')
        for name, value in (('in_channels', in_channels), ('base_channels', base_channels),
                            ('stage1_channels', stage1_channels),
                            ('stage1_blocks', stage1_blocks)):
            if value < 1:
                raise ValueError(f'HRNetNoStem: {name} must be >= 1, got {value}')
        self.in_channels = in_channels
        self.base_channels = base_channels
        self.num_modules = tuple(num_modules)
        self.num_blocks = tuple(num_blocks)
        self.align_corners = align_corners

        # stage 1: Bottlenecks at full resolution (no stem before them)
        stage1_out = stage1_channels * 4  # Bottleneck expansion
        downsample = _conv_bn(in_channels, stage1_out, 1, 1, norm_cfg, relu=False)
        blocks = [Bottleneck(in_channels, stage1_out, downsample=downsample,
                             norm_cfg=norm_cfg)]
        blocks += [Bottleneck(stage1_out, stage1_out, norm_cfg=norm_cfg)
                   for _ in range(stage1_blocks - 1)]
        self.layer1 = nn.Sequential(*blocks)
        self.stage1_out_channels = stage1_out

        # stages 2-4 with the transitions before them
        self.transitions = nn.ModuleList()
        self.stages = nn.ModuleList()
        previous = [stage1_out]
        for stage, (modules, depth) in enumerate(zip(self.num_modules, self.num_blocks)):
            channels = [base_channels * 2**i for i in range(stage + 2)]
            self.transitions.append(self._make_transition(previous, channels, norm_cfg))
            self.stages.append(nn.Sequential(*[
                HRModule(channels, depth, norm_cfg, align_corners) for _ in range(modules)]))
            previous = channels
        self.out_channels = (stage1_out, *previous)

    @staticmethod
    def _make_transition(previous: List[int], channels: List[int],
                         norm_cfg: dict) -> nn.ModuleList:
        """Existing branches: 3x3 conv-BN-ReLU where the width changes (else
        identity); the new coarsest branch: stride-2 3x3 conv-BN-ReLU from the
        previous coarsest one."""
        layers = nn.ModuleList()
        for i, c in enumerate(channels):
            if i < len(previous):
                layers.append(nn.Identity() if previous[i] == c else
                              _conv_bn(previous[i], c, 3, 1, norm_cfg, relu=True))
            else:
                layers.append(_conv_bn(previous[-1], c, 3, 2, norm_cfg, relu=True))
        return layers

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """``(N, in_channels, H, W)`` -> ``(stage1, branch0, ..., branch3)``."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f'HRNetNoStem: expected an (N, {self.in_channels}, H, W) input, '
                             f'got shape {tuple(x.shape)}')
        stage1 = self.layer1(x)
        branches = [stage1]
        for transition, stage in zip(self.transitions, self.stages):
            inputs = [layer(branches[min(i, len(branches) - 1)])
                      for i, layer in enumerate(transition)]
            branches = list(stage(inputs)) if len(stage) else inputs
        return (stage1, *branches)
