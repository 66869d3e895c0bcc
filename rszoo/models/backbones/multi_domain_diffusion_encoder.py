"""Multi-domain (spectral, spatial, frequency) diffusion denoiser used as a
feature extractor, for one modality.

MDFL (Li et al., AAAI-24, arXiv 2311.09520) learns features with a diffusion
model that "models joint interactions across the spectral, spatial and
frequency domains" (abstract); the architecture is not published. rszoo's
choice, for an input ``x0`` (B, C, H, W) of one modality (H = W = 1 for pixel
vectors):

* DDPM forward process ``x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps``
  (:class:`~rszoo.models.utils.diffusion_schedule.DDPMSchedule`, linear betas,
  ``T`` a config field; FedDiff uses ``T = 500``, ``LDXDU/FedDiff`` ``train_unet.py``);
* ``h_0 = conv1x1(x_t)`` (B, D, H, W), sinusoidal timestep embedding -> MLP (B, D);
* ``depth`` blocks, each ``h <- h + temb``, then three residual branches in a row:
  spectral (conv1x1 D->2D->D, GELU: channel mixing), spatial (depthwise 3x3 conv),
  frequency (:class:`FrequencyDomainParser`), each preceded by GroupNorm;
* noise prediction ``eps_hat = conv1x1(GN(h_depth))`` (B, C, H, W).

``forward(x0, t, noise)`` returns ``(eps_hat, feats)``, ``feats`` the list of the
``depth`` block outputs (B, D, H, W) (the "deep features" MDFL's feature reuse
gathers). ``features(x0, t)`` runs the same net without noise (``eps = 0``): the
deterministic read-out at timestep ``t`` (FedDiff's ``get_features`` adds fresh
noise; rszoo reads the noise-free ``x_t`` so that prediction is deterministic).
"""
import math
from typing import List, Optional, Tuple

import torch
from torch import nn

from rszoo.registry import MODELS


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.) -> torch.Tensor:
    """Sinusoidal embedding (DDPM / guided-diffusion): ``t`` (B,) -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    return nn.functional.pad(emb, (0, dim % 2))


class _MultiDomainBlock(nn.Module):
    """``h + temb`` -> spectral, spatial and frequency residual branches."""

    def __init__(self, dim: int, groups: int, frequency_domain: str):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, dim)
        self.spectral = nn.Sequential(nn.Conv2d(dim, 2 * dim, 1), nn.GELU(),
                                      nn.Conv2d(2 * dim, dim, 1))
        self.norm2 = nn.GroupNorm(groups, dim)
        self.spatial = nn.Conv2d(dim, dim, 3, padding=1, groups=dim)
        self.norm3 = nn.GroupNorm(groups, dim)
        self.frequency = MODELS.build(dict(type='FrequencyDomainParser', channels=dim,
                                           domain=frequency_domain))

    def forward(self, h: torch.Tensor, temb: torch.Tensor) -> torch.Tensor:
        h = h + temb[:, :, None, None]
        h = h + self.spectral(self.norm1(h))
        h = h + self.spatial(self.norm2(h))
        return self.frequency(self.norm3(h))


@MODELS.register_module()
class MultiDomainDiffusionEncoder(nn.Module):
    """Per-modality diffusion denoiser and feature extractor (see module doc).

    Args:
        in_channels (int): C, bands of the modality.
        embed_dim (int): D. Defaults to 64.
        depth (int): number of multi-domain blocks. Defaults to 2.
        num_groups (int): GroupNorm groups. Defaults to 8.
        frequency_domain (str): the parser's domain (``'spectral'`` or ``'spatial'``).
        schedule (dict): the :class:`DDPMSchedule` config.
    """

    def __init__(self,
                 in_channels: int,
                 embed_dim: int = 64,
                 depth: int = 2,
                 num_groups: int = 8,
                 frequency_domain: str = 'spectral',
                 schedule: Optional[dict] = None):
        super().__init__()
        if embed_dim % num_groups:
            raise ValueError(f'MultiDomainDiffusionEncoder: embed_dim {embed_dim} must be a '
                             f'multiple of num_groups {num_groups}')
        self.in_channels, self.embed_dim, self.depth = int(in_channels), int(embed_dim), depth
        self.schedule = MODELS.build(dict(type='DDPMSchedule', **(schedule or {})))
        self.in_proj = nn.Conv2d(in_channels, embed_dim, 1)
        self.time_mlp = nn.Sequential(nn.Linear(embed_dim, 4 * embed_dim), nn.SiLU(),
                                      nn.Linear(4 * embed_dim, embed_dim))
        self.blocks = nn.ModuleList(
            _MultiDomainBlock(embed_dim, num_groups, frequency_domain) for _ in range(depth))
        self.out_norm = nn.GroupNorm(num_groups, embed_dim)
        self.out_proj = nn.Conv2d(embed_dim, in_channels, 1)

    @property
    def num_timesteps(self) -> int:
        return self.schedule.num_timesteps

    def _check(self, x0: torch.Tensor):
        if x0.dim() != 4 or x0.shape[1] != self.in_channels:
            raise ValueError(f'MultiDomainDiffusionEncoder: expected (B, {self.in_channels}, '
                             f'H, W), got {tuple(x0.shape)}')

    def denoise(self, x_t: torch.Tensor, t: torch.Tensor) -> Tuple[torch.Tensor,
                                                                   List[torch.Tensor]]:
        """``eps_theta(x_t, t)`` (B, C, H, W) and the block outputs (B, D, H, W) each."""
        self._check(x_t)
        temb = self.time_mlp(timestep_embedding(t, self.embed_dim).to(x_t.dtype))
        h, feats = self.in_proj(x_t), []
        for block in self.blocks:
            h = block(h, temb)
            feats.append(h)
        return self.out_proj(nn.functional.silu(self.out_norm(h))), feats

    def forward(self, x0: torch.Tensor, t: Optional[torch.Tensor] = None,
                noise: Optional[torch.Tensor] = None):
        """Noise ``x0`` to ``t`` (uniform draw if None) with ``noise`` (N(0, I) if None)
        and denoise: returns ``(eps_hat, noise, feats)``."""
        self._check(x0)
        if t is None:
            t = self.schedule.sample_timesteps(x0.shape[0], device=x0.device)
        if noise is None:
            noise = torch.randn_like(x0)
        eps_hat, feats = self.denoise(self.schedule.q_sample(x0, t, noise), t)
        return eps_hat, noise, feats

    def features(self, x0: torch.Tensor, t: int = 0) -> List[torch.Tensor]:
        """Deterministic read-out: the block outputs for the noise-free ``x_t`` at step ``t``."""
        self._check(x0)
        tt = torch.full((x0.shape[0], ), int(t), dtype=torch.long, device=x0.device)
        return self.denoise(self.schedule.q_sample(x0, tt, torch.zeros_like(x0)), tt)[1]
