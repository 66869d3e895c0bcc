"""MIViT's classifier of the cross-scale pyramid (authors' ``Classifier_for_pyramid``,
``structure.py:305-320``): ``CBR1x1(in -> 2C) - [Conv1x1(2C -> C) BN GAP ReLU] -
Conv1x1(C -> K) - softmax`` (probabilities, as :class:`~.MIViTConvHead`).
``(B, in_channels, h, w) -> (B, K)``; the authors' in_channels is 3C = 192.
"""
import torch
from torch import nn

from rszoo.registry import MODELS

from ..backbones.mivit_alignment_encoder import cbr


@MODELS.register_module()
class MIViTPyramidHead(nn.Module):
    """Args: num_classes, in_channels (192), channels (C = 64), softmax (True)."""

    def __init__(self, num_classes: int, in_channels: int = 192, channels: int = 64,
                 softmax: bool = True, bn_momentum: float = 0.9):
        super().__init__()
        self.softmax = softmax
        self.conv1 = cbr(in_channels, 2 * channels, 1, 0, bn_momentum=bn_momentum)
        self.conv2 = nn.Sequential(nn.Conv2d(2 * channels, channels, 1),
                                   nn.BatchNorm2d(channels), nn.AdaptiveAvgPool2d(1), nn.ReLU())
        self.conv3 = nn.Conv2d(channels, num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv3(self.conv2(self.conv1(x))).flatten(1)
        return out.softmax(dim=1) if self.softmax else out
