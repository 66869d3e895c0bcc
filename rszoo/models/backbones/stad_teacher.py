"""STAD's teacher: a transformer over pixel tokens (the paper's "fully
connected" teacher).

Ma, Xie, Li, arXiv 2401.01093; authors' code ``models/teacher_net.py``
(github.com/majitao-xd/STAD-HAD). Each pixel of a (B, C, H, W) cube is one token
of dimension C (no patching, no positional encoding): H*W tokens. ``num_stages``
post-norm encoder layers (``nhead`` heads, so C must be divisible by ``nhead``;
FFN width ``ffn_dim``, ReLU, dropout, LayerNorm eps 1e-5), attention global over
all pixels. Returns the output of every stage reshaped to (B, C, H, W): each is a
reconstruction of the clean input (the losses of :class:`rszoo.models.STAD`).

``torch.nn.TransformerEncoderLayer`` computes the same layer as the authors'
copy; without ``need_weights`` it runs PyTorch's fused attention (memory linear
in H*W instead of quadratic), which matters on CPU.
"""
from typing import List

import torch
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class STADTeacher(BaseModule):
    """Args:
        in_channels (int): C, the band count (token dimension).
        num_stages (int): encoder layers, one output each. Default 3.
        num_heads (int): attention heads. Default 2.
        ffn_dim (int): feed-forward width. Default 1000.
        dropout (float): Default 0.1.
    """

    def __init__(self, in_channels: int, num_stages: int = 3, num_heads: int = 2,
                 ffn_dim: int = 1000, dropout: float = 0.1, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if in_channels % num_heads:
            raise ValueError(f'STADTeacher: in_channels={in_channels} must be divisible by '
                             f'num_heads={num_heads}')
        self.in_channels = in_channels
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(in_channels, num_heads, dim_feedforward=ffn_dim,
                                       dropout=dropout, activation='relu', layer_norm_eps=1e-5,
                                       batch_first=True, norm_first=False)
            for _ in range(num_stages)
        ])

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """(B, C, H, W) -> list of ``num_stages`` (B, C, H, W)."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f'STADTeacher: expected (B, {self.in_channels}, H, W), got '
                             f'{tuple(x.shape)}')
        b, c, h, w = x.shape
        tokens = x.permute(0, 2, 3, 1).reshape(b, h * w, c)
        outs = []
        for layer in self.layers:
            tokens = layer(tokens)
            outs.append(tokens.reshape(b, h, w, c).permute(0, 3, 1, 2))
        return outs
