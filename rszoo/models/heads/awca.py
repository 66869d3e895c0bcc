"""AWCA: adaptive weighted channel attention, the channel half of DIAnet's
Interactive Attention Module (IAM).

From AWAN (Li et al., "Adaptive Weighted Attention Network with Camera Spectral
Sensitivity Prior for Spectral Reconstruction from RGB Images", CVPRW 2020), as
used by DIAnet (arXiv 2401.03182; authors' ``lib/models/AWCA_PSNL/AWCA.py``).
For ``x`` of shape ``(N, C, H, W)``:

1. ``m = softmax_{HW}(conv1x1_{C->1}(x))``: one attention map over the ``H*W``
   positions (no bias);
2. ``z = sum_{hw} x[:, :, hw] * m[hw]``: attention-weighted global pooling, ``(N, C)``;
3. ``s = sigmoid(FC_{C/r->C}(PReLU(FC_{C->C/r}(z))))`` with no biases;
4. ``y = x * s``: channel rescaling, shape ``(N, C, H, W)``.
"""
import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class AWCA(nn.Module):
    """Adaptive weighted channel attention (see the module docstring).

    Args:
        channels (int): ``C`` of the input.
        reduction (int): bottleneck ratio ``r`` of the two FC layers
            (hidden width ``max(C // r, 1)``). Defaults to 16, as the authors.
    """

    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        if channels < 1 or reduction < 1:
            raise ValueError(f'AWCA: channels and reduction must be >= 1, got {channels}, '
                             f'{reduction}')
        self.channels = channels
        hidden = max(channels // reduction, 1)
        self.conv = nn.Conv2d(channels, 1, 1, bias=False)
        self.fc = nn.Sequential(
            nn.Linear(channels, hidden, bias=False),
            nn.PReLU(),
            nn.Linear(hidden, channels, bias=False),
            nn.Sigmoid())

    def channel_weights(self, x: torch.Tensor) -> torch.Tensor:
        """The channel weights ``s``, shape ``(N, C)``, in (0, 1)."""
        n, c = x.shape[:2]
        if c != self.channels:
            raise ValueError(f'AWCA: expected {self.channels} channels, got input of shape '
                             f'{tuple(x.shape)}')
        attention = self.conv(x).reshape(n, 1, -1).softmax(dim=-1)       # (N, 1, HW)
        pooled = torch.bmm(x.reshape(n, c, -1), attention.transpose(1, 2))  # (N, C, 1)
        return self.fc(pooled.reshape(n, c))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` -> ``(N, C, H, W)``."""
        return x * self.channel_weights(x)[:, :, None, None]
