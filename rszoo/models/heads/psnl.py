"""PSNL: patch-level second-order non-local attention, the spatial half of
DIAnet's Interactive Attention Module (IAM).

From AWAN (Li et al., CVPRW 2020), as used by DIAnet (arXiv 2401.03182; authors'
``lib/models/AWCA_PSNL/PSNL.py``). The ``(N, C, H, W)`` map is split into 2 x 2
quadrants (rows ``[:H//2], [H//2:]``, columns likewise); one shared non-local
block is applied to each quadrant on its own and the results are put back in
place. For a quadrant ``x`` with ``M`` positions and ``C' = C // reduction``:

- ``theta = conv1x1_{C->C'}(x)``, ``g = conv1x1_{C->C'}(x)`` (no bias), as ``(N, M, C')``;
- ``A = softmax_row((theta - mean_{C'}(theta)) theta^T / C')``, ``(N, M, M)``: a
  centred, covariance-like ("second-order") affinity with ``theta`` on both
  sides (there is no ``phi``);
- ``z = x + W(A g)`` with ``W = conv1x1_{C'->C}`` (no bias, no BN).

AWAN initialises ``W`` to zero (the block starts as the identity); in the
authors' DIAnet the network-wide ``N(0, 0.001)`` conv init overwrites that, so
``zero_init_out=False`` leaves ``W`` to the enclosing model's init. At a 100 x 100
map each quadrant's affinity is ``2500 x 2500``.
"""
import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class SecondOrderNonLocal(nn.Module):
    """AWAN's second-order non-local block on one map (see the module docstring).

    Args:
        channels (int): ``C``.
        reduction (int): ``C' = max(C // reduction, 1)``. Defaults to 8.
        zero_init_out (bool): set ``W`` to zero at construction (AWAN).
            Defaults to True.
    """

    def __init__(self, channels: int, reduction: int = 8, zero_init_out: bool = True):
        super().__init__()
        self.channels = channels
        self.inter_channels = max(channels // reduction, 1)
        self.theta = nn.Conv2d(channels, self.inter_channels, 1, bias=False)
        self.g = nn.Conv2d(channels, self.inter_channels, 1, bias=False)
        self.out = nn.Conv2d(self.inter_channels, channels, 1, bias=False)
        if zero_init_out:
            nn.init.zeros_(self.out.weight)

    def affinity(self, x: torch.Tensor) -> torch.Tensor:
        """The row-softmax affinity ``A``, shape ``(N, M, M)``, ``M = H * W``."""
        n = x.shape[0]
        theta = self.theta(x).reshape(n, self.inter_channels, -1).transpose(1, 2)  # (N, M, C')
        centred = theta - theta.mean(dim=2, keepdim=True)
        return torch.bmm(centred, theta.transpose(1, 2)).div(self.inter_channels).softmax(-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, _, h, w = x.shape
        g = self.g(x).reshape(n, self.inter_channels, -1).transpose(1, 2)  # (N, M, C')
        y = torch.bmm(self.affinity(x), g).transpose(1, 2).reshape(n, self.inter_channels, h, w)
        return x + self.out(y)


@MODELS.register_module()
class PSNL(nn.Module):
    """Second-order non-local attention on 2 x 2 quadrants (module docstring).

    Args:
        channels (int): ``C`` of the input (720 in DIAnet-W48).
        reduction (int): of the non-local block. Defaults to 8.
        zero_init_out (bool): AWAN's zero init of ``W``. Defaults to False,
            the authors' DIAnet (overwritten by their global init).
    """

    def __init__(self, channels: int, reduction: int = 8, zero_init_out: bool = False):
        super().__init__()
        self.channels = channels
        self.non_local = SecondOrderNonLocal(channels, reduction, zero_init_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` -> ``(N, C, H, W)``, each quadrant attended on its own."""
        if x.dim() != 4 or x.shape[1] != self.channels:
            raise ValueError(f'PSNL: expected an (N, {self.channels}, H, W) input, got '
                             f'shape {tuple(x.shape)}')
        h, w = x.shape[2] // 2, x.shape[3] // 2
        if h == 0 or w == 0:
            raise ValueError(f'PSNL: the map must be at least 2 x 2, got {tuple(x.shape)}')
        top = torch.cat([self.non_local(x[:, :, :h, :w]), self.non_local(x[:, :, :h, w:])], 3)
        bottom = torch.cat([self.non_local(x[:, :, h:, :w]), self.non_local(x[:, :, h:, w:])], 3)
        return torch.cat([top, bottom], 2)
