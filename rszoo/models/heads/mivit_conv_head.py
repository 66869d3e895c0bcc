"""MIViT's CNN classifier (authors' ``CNN_Classifier``, ``structure.py:283-303``).

``Conv1x1(C -> mid) - BN - GlobalAvgPool - ReLU - Conv1x1(mid -> K)`` and, as in the
code, a softmax: the head returns **probabilities** (``softmax=True``), which the
authors then feed to the focal and distillation losses as if they were logits
(a double softmax; kept for fidelity, ``softmax=False`` gives logits).
Used for the per-modality heads on ``Z_h`` / ``Z_l`` (the missing-modality path)
and for the CNN half of :class:`~.MIViTFusedHead`. ``(B, C, h, w) -> (B, K)``.
"""
import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class MIViTConvHead(nn.Module):
    """Args: in_channels (64), num_classes, mid_channels (32), softmax (True)."""

    def __init__(self, num_classes: int, in_channels: int = 64, mid_channels: int = 32,
                 softmax: bool = True):
        super().__init__()
        self.softmax = softmax
        self.body = nn.Sequential(nn.Conv2d(in_channels, mid_channels, 1),
                                  nn.BatchNorm2d(mid_channels), nn.AdaptiveAvgPool2d(1),
                                  nn.ReLU())
        self.fc = nn.Conv2d(mid_channels, num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.fc(self.body(x)).flatten(1)
        return out.softmax(dim=1) if self.softmax else out
