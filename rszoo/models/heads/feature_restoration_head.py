"""The self-supervised branch of SSKDNet: feature restoration + a classifier.

Y. Zhao, J. Liu, J. Yang, Z. Wu, "Remote Sensing Image Scene Classification
via Self-Supervised Learning and Knowledge Distillation", Remote Sensing
14(19):4813, 2022. "The feature maps of the backbone are used as supervision
signals, and the branch learns to restore the low-level feature maps after
background masking and shuffling"; the branch's logits are the soft labels
(teacher) of the knowledge distillation. The layer layout below is rszoo's
(the abstract gives none; ``configs/sskdnet/README.md``).

The backbone runs (shared weights) on the masked and shuffled images; this
head takes one of those feature maps, ``G = feats[in_index]`` of shape
``(N, C_in, h, w)``, and computes

    U      = ConvModule_3x3(G)                                   (N, D, h, w)
    V      = upsample(ConvModule_1x1(U), (h_t, w_t))             (N, E, h_t, w_t)
    R      = Conv_1x1(ConvModule_3x3(V))                         (N, C_t, h_t, w_t)
    logits = Linear(Dropout(GAP(U)))                             (N, K)
    (or, with ``cls_in_index`` set, Linear(Dropout(GAP(feats[cls_in_index]))):
    restoration from a mid stage, classification from the deepest one)

``R`` restores the *clean* images' low-level feature map ``T`` (a stage of the
backbone on the unmasked images, detached: stop-gradient), with

    L_restore = w_r * mean((R - T')^2)           (restore_loss='mse')
    L_restore = w_r * mean(smooth_l1(R - T'))    (restore_loss='smooth_l1')
with ``T'`` the target standardised per image and channel (``target_norm=
'instance'``, the default; ``'none'`` keeps ``T``)

and the logits get their own classification loss (``loss_cls``, cross-entropy
by default).

Shapes:
    feats: tuple of ``(N, C_j, h_j, w_j)``; target ``(N, C_t, h_t, w_t)``
    -> restored ``(N, C_t, h_t, w_t)``, logits ``(N, K)``.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class FeatureRestorationHead(BaseModule):
    """Restore low-level feature maps from a corrupted input's deep features,
    and classify it (the teacher of SSKDNet's distillation).

    Args:
        in_channels (int): channels ``C_in`` of ``feats[in_index]``.
        target_channels (int): channels ``C_t`` of the restored map.
        num_classes (int): classes ``K`` of the branch classifier.
        hidden_channels (int): width ``D`` of the branch. Defaults to 256.
        decoder_channels (int): width ``E`` of the decoder, which runs at the
            target's resolution (stride 4): it sets most of the branch's cost.
            Defaults to 64.
        in_index (int): which backbone output feeds the branch. Defaults to -1
            (the deepest returned stage).
        cls_in_index (int, optional): the backbone output the branch classifies
            from (pooled, then the linear classifier); None classifies from the
            restoration trunk ``U``. Defaults to None.
        cls_in_channels (int, optional): channels of ``feats[cls_in_index]``
            (required with ``cls_in_index``).
        restore_loss (str): ``'mse'`` or ``'smooth_l1'``. Defaults to ``'mse'``.
        smooth_l1_beta (float): ``beta`` of the smooth-L1 loss. Defaults to 1.
        loss_restore_weight (float): ``w_r``. Defaults to 1.
        target_norm (str): ``'instance'``: the target is standardised per
            image and channel over its spatial positions,
            ``T' = (T - mean_hw T) / sqrt(var_hw T + 1e-6)`` (as MAE's
            normalised-pixel target), so the loss is O(1) whatever the
            stage's scale (EfficientNet-Lite0's stride-4 map has an RMS of
            about 13, which made the raw MSE ~80 and its gradient swamp the
            classification terms); ``'none'``: the raw map. Defaults to
            ``'instance'``.
        loss_cls (dict): the branch's classification loss (its ``loss_weight``
            weights it). Defaults to ``CrossEntropyLoss(loss_weight=1.0)``.
        dropout (float): dropout before the branch's linear classifier.
            Defaults to 0.
        norm_cfg (dict): norm of the conv blocks. Defaults to ``dict(type='BN')``.
        act_cfg (dict): activation of the conv blocks. Defaults to ReLU.
        init_cfg (dict, optional): mmengine initialisation config.
    """

    RESTORE_LOSSES = ('mse', 'smooth_l1')
    TARGET_NORMS = ('instance', 'none')

    def __init__(self,
                 in_channels: int,
                 target_channels: int,
                 num_classes: int,
                 hidden_channels: int = 256,
                 decoder_channels: int = 64,
                 in_index: int = -1,
                 cls_in_index: Optional[int] = None,
                 cls_in_channels: Optional[int] = None,
                 restore_loss: str = 'mse',
                 smooth_l1_beta: float = 1.0,
                 loss_restore_weight: float = 1.0,
                 target_norm: str = 'instance',
                 loss_cls: dict = dict(type='CrossEntropyLoss', loss_weight=1.0),
                 dropout: float = 0.,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if restore_loss not in self.RESTORE_LOSSES:
            raise ValueError(f'FeatureRestorationHead: restore_loss must be one of '
                             f'{self.RESTORE_LOSSES}, got {restore_loss!r}')
        if target_norm not in self.TARGET_NORMS:
            raise ValueError(f'FeatureRestorationHead: target_norm must be one of '
                             f'{self.TARGET_NORMS}, got {target_norm!r}')
        if num_classes < 1:
            raise ValueError(f'FeatureRestorationHead: num_classes must be >= 1, '
                             f'got {num_classes}')
        self.in_channels = in_channels
        self.target_channels = target_channels
        self.num_classes = num_classes
        self.hidden_channels = hidden_channels
        self.decoder_channels = decoder_channels
        self.in_index = in_index
        if (cls_in_index is None) != (cls_in_channels is None):
            raise ValueError('FeatureRestorationHead: give cls_in_index and cls_in_channels '
                             f'together, got {cls_in_index!r} and {cls_in_channels!r}')
        self.cls_in_index, self.cls_in_channels = cls_in_index, cls_in_channels
        self.restore_loss = restore_loss
        self.smooth_l1_beta = smooth_l1_beta
        self.loss_restore_weight = loss_restore_weight
        self.target_norm = target_norm

        self.trunk = ConvModule(in_channels, hidden_channels, 3, padding=1,
                                norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.reduce = ConvModule(hidden_channels, decoder_channels, 1,
                                 norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.decoder = nn.Sequential(
            ConvModule(decoder_channels, decoder_channels, 3, padding=1,
                       norm_cfg=norm_cfg, act_cfg=act_cfg),
            nn.Conv2d(decoder_channels, target_channels, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(hidden_channels if cls_in_index is None else cls_in_channels,
                            num_classes)
        self.loss_cls_module = MODELS.build(loss_cls)

    @staticmethod
    def _pick(feats: Sequence[torch.Tensor], index: int, channels: int) -> torch.Tensor:
        if isinstance(feats, torch.Tensor):
            feats = (feats, )
        try:
            x = feats[index]
        except IndexError:
            raise IndexError(f'FeatureRestorationHead: index {index} does not fit the '
                             f'{len(feats)} backbone outputs') from None
        if x.dim() != 4 or x.size(1) != channels:
            raise ValueError(f'FeatureRestorationHead: feats[{index}] has shape '
                             f'{tuple(x.shape)}, expected (N, {channels}, h, w)')
        return x

    def forward(self, feats: Sequence[torch.Tensor],
                target_size: Tuple[int, int]) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(restored (N, C_t, *target_size), logits (N, K))``."""
        hidden = self.trunk(self._pick(feats, self.in_index, self.in_channels))
        upsampled = F.interpolate(self.reduce(hidden), size=tuple(target_size), mode='bilinear',
                                  align_corners=False)
        restored = self.decoder(upsampled)
        cls_feat = hidden if self.cls_in_index is None else self._pick(
            feats, self.cls_in_index, self.cls_in_channels)
        logits = self.fc(self.dropout(self.pool(cls_feat).flatten(1)))
        return restored, logits

    def restoration_loss(self, restored: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """``w_r`` x element mean of MSE / smooth-L1 between ``restored`` and the
        (detached) ``target``, both ``(N, C_t, h_t, w_t)``."""
        if restored.shape != target.shape:
            raise ValueError(f'FeatureRestorationHead: restored map {tuple(restored.shape)} '
                             f'and target {tuple(target.shape)} differ; check '
                             'target_channels against the target stage')
        target = target.detach().float()
        if self.target_norm == 'instance':
            mean = target.mean(dim=(2, 3), keepdim=True)
            var = target.var(dim=(2, 3), keepdim=True, unbiased=False)
            target = (target - mean) / torch.sqrt(var + 1e-6)
        if self.restore_loss == 'mse':
            loss = F.mse_loss(restored.float(), target.float())
        else:
            loss = F.smooth_l1_loss(restored.float(), target.float(), beta=self.smooth_l1_beta)
        return self.loss_restore_weight * loss

    def classification_loss(self, logits: torch.Tensor, data_samples: List) -> torch.Tensor:
        """``loss_cls`` of the branch logits against the labels (``gt_score``
        when a batch augment made soft labels, else ``gt_label``)."""
        if 'gt_score' in data_samples[0]:
            target = torch.stack([s.gt_score for s in data_samples])
        else:
            target = torch.cat([s.gt_label for s in data_samples])
        return self.loss_cls_module(logits, target, avg_factor=logits.size(0))
