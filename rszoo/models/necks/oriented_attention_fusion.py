"""MIViT's oriented attention fusion (OAF; authors' ``TTOA`` / ``TTOA_trans``,
``cal_operator.py:176-231``, ``structure.py:181-191``).

``TTOA(a, b)``: a shared 1x1 bottleneck ``P`` (C -> C/2 -> C, no activation) on
both inputs, then a vertical (3x1) and a horizontal (1x3) gate computed from
``a`` modulate ``b``:

    TTOA(a, b) = [P a + sigmoid(Conv3x1(P a)) * P b] + [P a + sigmoid(Conv1x3(P a)) * P b]

``OAF(a, b) = CBR3x3(TTOA_1(a, b) + TTOA_2(b, a))`` (CBR = Conv, BatchNorm with the
authors' momentum 0.9 / eps 1e-3, ReLU). Shapes: ``(B, C, h, w)`` x 2 -> ``(B, C, h, w)``.
"""
import torch
from torch import nn

from rszoo.registry import MODELS

from ..backbones.mivit_alignment_encoder import cbr


class TTOA(nn.Module):
    """One oriented gating of ``b`` by ``a`` (see module doc)."""

    def __init__(self, channels: int, kernel: int = 3):
        super().__init__()
        self.preprocess = nn.Sequential(nn.Conv2d(channels, channels // 2, 1),
                                        nn.Conv2d(channels // 2, channels, 1))
        self.conv_column = nn.Conv2d(channels, channels, (kernel, 1), padding=(kernel // 2, 0))
        self.conv_row = nn.Conv2d(channels, channels, (1, kernel), padding=(0, kernel // 2))

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        a, b = self.preprocess(a), self.preprocess(b)
        column = a + torch.sigmoid(self.conv_column(a)) * b
        row = a + torch.sigmoid(self.conv_row(a)) * b
        return column + row


@MODELS.register_module()
class OrientedAttentionFusion(nn.Module):
    """``CBR3x3(TTOA(a, b) + TTOA(b, a))``.

    Args:
        channels (int): channels of both inputs (64).
        kernel (int): length of the oriented kernels (3).
        bn_momentum (float): of the output CBR (authors' 0.9).
    """

    def __init__(self, channels: int = 64, kernel: int = 3, bn_momentum: float = 0.9):
        super().__init__()
        self.ttoa_ab = TTOA(channels, kernel)
        self.ttoa_ba = TTOA(channels, kernel)
        self.out = cbr(channels, channels, bn_momentum=bn_momentum)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if a.shape != b.shape:
            raise ValueError(f'OrientedAttentionFusion: inputs differ in shape: '
                             f'{tuple(a.shape)} vs {tuple(b.shape)}')
        return self.out(self.ttoa_ab(a, b) + self.ttoa_ba(b, a))
