"""``GlobalAttributeHead``: DSVA's global attribute regressor on pooled tokens.

DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing
Image Scene Classification"; the authors' ``CLIP_proto.ALE_vector``, facts in
the authors' code ``wenjiaXu/RS_Scene_ZSL``) has, beside the prototype branch
(:class:`~.visual_attribute_mapping.VisualAttributeMapping`), a global branch:
the tokens are mean-pooled and mapped linearly to attribute scores::

    g_n = mean_l t_{n,l}                        (N, D)
    a_n = W LayerNorm(g_n) + b                  (N, A)

Its class scores ``a @ phi^T`` carry the authors' ``xe`` (1) cross-entropy
and ``attri`` (1e-2) regression terms. The authors average all 50 tokens of
their ViT-B/32 (the CLS token included); here the patch tokens are given.
The linear layer starts as N(0, 0.02) weights and zero bias (the authors'
``weights_init``).
"""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from rszoo.registry import MODELS


@MODELS.register_module()
class GlobalAttributeHead(BaseModule):
    """Mean-pooled tokens -> LayerNorm -> Linear -> attribute scores.

    Args:
        in_channels (int): token width ``D``.
        num_attributes (int): ``A``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self, in_channels: int, num_attributes: int,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if in_channels < 1 or num_attributes < 1:
            raise ValueError(f'GlobalAttributeHead: in_channels={in_channels} and '
                             f'num_attributes={num_attributes} must be >= 1')
        self.in_channels = in_channels
        self.num_attributes = num_attributes
        self.norm = nn.LayerNorm(in_channels)
        self.fc = nn.Linear(in_channels, num_attributes)
        nn.init.normal_(self.fc.weight, 0.0, 0.02)
        nn.init.zeros_(self.fc.bias)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """``tokens`` (N, L, D) -> attribute scores (N, A)."""
        if tokens.dim() != 3 or tokens.size(2) != self.in_channels:
            raise ValueError(f'GlobalAttributeHead: tokens of shape {tuple(tokens.shape)}; '
                             f'expected (N, L, {self.in_channels}) (in_channels)')
        return self.fc(self.norm(tokens.mean(dim=1)))
