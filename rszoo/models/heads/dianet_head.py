"""DIAnet's decode head: the Interactive Attention Module (IAM) and the classifier.

DIAnet (arXiv 2401.03182); authors' ``seg_hrnet_without_interpolate_AWCA_PSNL_z.py``
(forward after stage 4). Input: the backbone tuple of
:class:`~rszoo.models.backbones.HRNetNoStem`,
``(stage1 (N, S, H, W), b0 (N, C0, H, W), b1 (N, C1, H/2, W/2), b2, b3)``;
W48: ``S = 256``, ``C = 48, 96, 192, 384``.

1. IAM channel part: ``a = AWCA(b0) + ReLU(BN(conv1x1_{S->C0}(stage1)))`` (the
   stage-1 skip; the conv has a bias, as the authors');
2. ``b1..b3`` resized bilinearly to ``(H, W)`` and concatenated with ``a``:
   ``(N, C0 + C1 + C2 + C3, H, W)`` (720 for W48);
3. IAM spatial part: :class:`~rszoo.models.heads.PSNL` on 2 x 2 quadrants;
4. classifier: conv1x1 720->720 + BN + ReLU, conv1x1 720->K (both with bias).

Logits come out at the input resolution ``(N, K, H, W)`` (no stem, so no final
upsampling: the authors' "without_interpolate"). ``channel_attention=None``,
``spatial_attention=None`` or ``skip=False`` give the ablations.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from torch import nn

from rszoo.registry import MODELS
from .base_decode_head import BaseDecodeHead


@MODELS.register_module()
class DIAnetHead(BaseDecodeHead):
    """IAM (AWCA + stage-1 skip + PSNL) and the 1x1 classifier (module docstring).

    Args:
        in_channels (sequence[int]): channels of the backbone tuple
            ``(stage1, b0, b1, b2, b3)``. Defaults to W48's
            ``(256, 48, 96, 192, 384)``.
        num_classes (int): ``K``. Defaults to 11 (FYH).
        channel_attention (dict, optional): the channel attention on ``b0``
            (``channels`` filled in). Defaults to ``AWCA(reduction=16)``.
        skip (bool): add the projected stage-1 map to the attended ``b0``.
            Defaults to True.
        spatial_attention (dict, optional): the spatial attention on the
            concatenated map (``channels`` filled in). Defaults to
            ``PSNL(reduction=8)``.
        norm_cfg (dict): Defaults to BatchNorm, momentum 0.1.
        loss_decode, ignore_index, align_corners: see
            :class:`~rszoo.models.heads.BaseDecodeHead`.
        init_cfg: defaults to the authors' ``N(0, 0.001)`` convs and
            ``gamma = 1, beta = 0`` norms (it overwrites PSNL's zero init, as theirs).
    """

    def __init__(self,
                 in_channels: Sequence[int] = (256, 48, 96, 192, 384),
                 num_classes: int = 11,
                 channel_attention: Optional[dict] = dict(type='AWCA', reduction=16),
                 skip: bool = True,
                 spatial_attention: Optional[dict] = dict(type='PSNL', reduction=8),
                 norm_cfg: dict = dict(type='BN', momentum=0.1),
                 loss_decode=dict(type='ACWLoss'),
                 ignore_index: int = 255,
                 align_corners: bool = False,
                 init_cfg=(dict(type='Normal', layer='Conv2d', std=0.001, bias=0.),
                           dict(type='Constant', layer=['_BatchNorm'], val=1., bias=0.))):
        super().__init__(num_classes=num_classes, loss_decode=loss_decode,
                         ignore_index=ignore_index, align_corners=align_corners,
                         init_cfg=list(init_cfg) if isinstance(init_cfg, tuple) else init_cfg)
        if len(in_channels) < 2:
            raise ValueError('DIAnetHead: in_channels must list the stage-1 map and at least '
                             f'one branch, got {in_channels!r}')
        self.in_channels = tuple(in_channels)
        stage1_channels, branch0 = self.in_channels[:2]
        self.channels = sum(self.in_channels[1:])
        self.channel_attention = None if channel_attention is None else MODELS.build(
            dict(channel_attention, channels=branch0))
        self.skip = None
        if skip:
            self.skip = nn.Sequential(
                nn.Conv2d(stage1_channels, branch0, 1),
                build_norm_layer(norm_cfg, branch0)[1], nn.ReLU(inplace=True))
        self.spatial_attention = None if spatial_attention is None else MODELS.build(
            dict(spatial_attention, channels=self.channels))
        self.last_layer = nn.Sequential(
            nn.Conv2d(self.channels, self.channels, 1),
            build_norm_layer(norm_cfg, self.channels)[1], nn.ReLU(inplace=True))
        self.conv_seg = nn.Conv2d(self.channels, num_classes, 1)

    def fuse(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Steps 1-3: the IAM output ``(N, sum C_i, H, W)``."""
        if len(feats) != len(self.in_channels):
            raise ValueError(f'DIAnetHead: expected {len(self.in_channels)} feature maps '
                             f'(stage1, branches), got {len(feats)}')
        stage1, branches = feats[0], list(feats[1:])
        x0 = branches[0]
        if self.channel_attention is not None:
            x0 = self.channel_attention(x0)
        if self.skip is not None:
            x0 = x0 + self.skip(stage1)
        size = x0.shape[2:]
        upsampled = [F.interpolate(b, size=size, mode='bilinear',
                                   align_corners=self.align_corners) for b in branches[1:]]
        x = torch.cat([x0, *upsampled], dim=1)
        if self.spatial_attention is not None:
            x = self.spatial_attention(x)
        return x

    def forward(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Backbone tuple -> logits ``(N, K, H, W)``."""
        return self.conv_seg(self.last_layer(self.fuse(feats)))
