"""Cross-modal fusion through a low-rank "spatial-spectral matrix".

MDFL's Fig. 2 caption (AAAI-24, arXiv 2311.09520) says the framework combines a
"spatial-spectral matrix" with a frequency-domain parser to learn the two
modalities jointly, fusing at feature level; the matrix itself is not described
in any public material. rszoo's choice: the bilinear (outer-product) matrix
``M = u_a u_b^T`` of the two modalities' pooled features, used through a
low-rank factorisation (low-rank bilinear pooling, Kim et al., "Hadamard Product
for Low-rank Bilinear Pooling", ICLR 2017, Eq. 4):

    u_m = mean_{H,W} f_m                                  (B, D_m)
    z   = P^T [ tanh(U^T u_a) (.) tanh(V^T u_b) ]          (B, out)     = low-rank read of M
    out = [u_a, u_b, z]                                    (B, D_a + D_b + out)

Missing modality: ``forward(f_a, None)`` / ``(None, f_b)`` puts zeros in place of
the absent ``u`` (and ``z`` is then ``P^T 0``-like: the bilinear term vanishes).
"""
from typing import Optional

import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class SpatialSpectralMatrixFusion(nn.Module):
    """Low-rank bilinear fusion of two feature maps (see module doc).

    Args:
        in_channels (tuple of int): ``(D_a, D_b)``.
        rank (int): rank of the factorisation. Defaults to 64.
        out_channels (int): width of ``z``. Defaults to 64.
    """

    def __init__(self, in_channels=(64, 64), rank: int = 64, out_channels: int = 64):
        super().__init__()
        self.in_channels = tuple(int(c) for c in in_channels)
        self.u = nn.Linear(self.in_channels[0], rank)
        self.v = nn.Linear(self.in_channels[1], rank)
        self.p = nn.Linear(rank, out_channels)
        self.out_channels = sum(self.in_channels) + out_channels

    def _pool(self, f: Optional[torch.Tensor], index: int, like: torch.Tensor) -> torch.Tensor:
        if f is None:
            return like.new_zeros(like.shape[0], self.in_channels[index])
        if f.dim() != 4 or f.shape[1] != self.in_channels[index]:
            raise ValueError(f'SpatialSpectralMatrixFusion: input {index} must be '
                             f'(B, {self.in_channels[index]}, H, W), got {tuple(f.shape)}')
        return f.mean(dim=(2, 3))

    def forward(self, f_a: Optional[torch.Tensor], f_b: Optional[torch.Tensor]) -> torch.Tensor:
        if f_a is None and f_b is None:
            raise ValueError('SpatialSpectralMatrixFusion: both inputs are None')
        like = f_a if f_a is not None else f_b
        u_a, u_b = self._pool(f_a, 0, like), self._pool(f_b, 1, like)
        z = self.p(torch.tanh(self.u(u_a)) * torch.tanh(self.v(u_b)))
        return torch.cat([u_a, u_b, z], dim=1)
