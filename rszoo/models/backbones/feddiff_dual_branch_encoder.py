"""FedDiff's dual-branch diffusion feature extractor: one diffusion denoiser per
modality, no weights shared, so that each branch can live on its own client.

Li et al., "FedDiff: Diffusion Model Driven Federated Learning for Multi-Modal
and Multi-Clients", arXiv 2401.02433. Authors' code ``LDXDU/FedDiff`` @ 7db0438:
two independent DDPMs (HSI and LiDAR, ``train_unet.py``), ``T = 500``, linear
betas 1e-4..0.02, L1 noise loss (``diffusion.py``), a guided-diffusion U-Net
whose encoder blocks are followed by the FFT ``Conditioning`` block
(``unet.py``), features = the middle block read from a noised input
(``get_features``). rszoo's branch is the smaller
:class:`MultiDomainDiffusionEncoder` (D-wide blocks instead of the 23 M-parameter
U-Net, which cannot downsample a 1 x 1 pixel vector) with the frequency parser
in FedDiff's ``'spatial'`` mode (FFT2, 1 x 1 conv on the real part, inverse FFT2,
3 x 3 conv), trained jointly with the classifier rather than in a separate stage.

Shapes: ``forward_branch(i, x0)`` -> ``(eps_hat, noise, feats)`` with ``x0`` and
``eps_hat`` (B, C_i, H, W); ``features(i, x0, t)`` -> (B, depth*D) (all block
outputs, spatially averaged, concatenated).
"""
from typing import Optional, Sequence

import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class FedDiffDualBranchEncoder(nn.Module):
    """Two per-modality diffusion branches (see module doc).

    Args:
        in_channels (sequence of int): bands of each modality.
        branch (dict, optional): overrides of :class:`MultiDomainDiffusionEncoder`
            (default ``frequency_domain='spatial'``, T 500).
    """

    def __init__(self, in_channels: Sequence[int], branch: Optional[dict] = None):
        super().__init__()
        self.in_channels = tuple(int(c) for c in in_channels)
        default = dict(type='MultiDomainDiffusionEncoder', frequency_domain='spatial',
                       schedule=dict(num_timesteps=500, beta_start=1e-4, beta_end=0.02))
        self.branches = nn.ModuleList(
            MODELS.build({**default, **(branch or {}), 'in_channels': c})
            for c in self.in_channels)
        self.out_channels = tuple(b.depth * b.embed_dim for b in self.branches)

    def _branch(self, index: int) -> nn.Module:
        if not 0 <= index < len(self.branches):
            raise IndexError(f'FedDiffDualBranchEncoder: branch {index} of '
                             f'{len(self.branches)}')
        return self.branches[index]

    def forward_branch(self, index: int, x0: torch.Tensor):
        """Noise at a uniform random ``t`` and denoise with branch ``index``."""
        return self._branch(index)(x0)

    def features(self, index: int, x0: torch.Tensor, t: int = 0) -> torch.Tensor:
        """(B, depth*D): branch ``index``'s block outputs at the noise-free ``x_t``."""
        feats = self._branch(index).features(x0, t)
        return torch.cat([f.mean(dim=(2, 3)) for f in feats], dim=1)
