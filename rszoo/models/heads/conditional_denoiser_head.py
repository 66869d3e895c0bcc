"""A small conditional U-Net that predicts DDPM noise: SwiMDiff's diffusion
constraint.

Tian, Lei, Zhang, Xie, Li, "SwiMDiff: Scene-wide Matching Contrastive Learning
with Diffusion Constraint for Remote Sensing Image", arXiv 2401.05093 (IEEE
TGRS 62, 2024). SwiMDiff trains a diffusion model jointly with the contrastive
encoder, with a "pixel-level diffusion constraint" conditioned on the
encoder's features, so the encoder must carry the fine detail needed to
denoise the image. The paper's facts available here do not give the denoiser;
this one is DDPM's noise-prediction objective (Ho et al., NeurIPS 2020) with a
small U-Net, every size a config field:

    t ~ U{0, .., T-1},  eps ~ N(0, I)
    x_t   = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps          (DDPMSchedule.q_sample)
    L_D   = || eps - eps_theta(x_t, t, c) ||^2   (mean over all elements: MSE)

with ``x_0`` the query view (after the data preprocessor's normalisation) and
``c`` the query encoder's backbone feature map ``f_q`` **not detached**, so
``dL_D / d(encoder)`` is non-zero: the constraint trains the encoder.

Conditioning (``condition``):

- ``'pooled'`` (default): ``c`` is global-average-pooled to ``(N, C_f)``,
  mapped by a linear layer to the embedding size and added to the sinusoidal
  timestep embedding; every residual block adds a linear projection of that
  sum to its activations (a per-channel bias, as DDPM's timestep injection).
- ``'map'``: the pooled vector is used as above **and** the feature map,
  projected by a 1x1 convolution and resized bilinearly to the bottleneck's
  resolution, is added to the bottleneck activations (spatial conditioning).

Architecture (``L = len(channel_mults)`` levels, ``c_i = base_channels *
channel_mults[i]``): conv3x3 ``in_channels -> c_0``; per level a residual
block ``-> c_i`` then (not at the last level) a stride-2 conv; a bottleneck
residual block; per level in reverse: concatenate the skip, residual block,
nearest x2 upsampling + conv3x3; GroupNorm + SiLU + conv3x3 ``-> in_channels``.
Residual block: GN, SiLU, conv3x3, + Linear(emb), GN, SiLU, conv3x3, + skip.

Shapes: ``x_t`` ``(N, in_channels, H, W)`` with ``H, W`` divisible by
``2 ** (L - 1)``; ``t`` ``(N,)`` long; ``feat`` ``(N, cond_channels, h, w)`` or
``(N, cond_channels)`` (``'pooled'`` only); output ``(N, in_channels, H, W)``.
"""
import math
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.) -> torch.Tensor:
    """Sinusoidal embedding of integer timesteps (Transformer / DDPM):
    ``[cos(t w_0), .., cos(t w_{d/2-1}), sin(t w_0), ..]`` with
    ``w_i = max_period ** (-i / (d/2))``; ``(N,)`` -> ``(N, dim)``."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) *
                      torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=1)
    return emb


def _group_norm(channels: int, max_groups: int = 8) -> nn.GroupNorm:
    groups = math.gcd(channels, max_groups)
    return nn.GroupNorm(groups, channels)


class _ResBlock(nn.Module):
    """GN-SiLU-conv, + Linear(emb) as a per-channel bias, GN-SiLU-conv, + skip."""

    def __init__(self, in_channels: int, out_channels: int, emb_dim: int):
        super().__init__()
        self.norm1 = _group_norm(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.emb = nn.Linear(emb_dim, out_channels)
        self.norm2 = _group_norm(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.skip = (nn.Conv2d(in_channels, out_channels, 1)
                     if in_channels != out_channels else nn.Identity())

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(emb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


@MODELS.register_module()
class ConditionalDenoiserHead(BaseModule):
    """Predict the noise ``eps`` of ``x_t`` from ``(x_t, t, f_q)``; its
    :meth:`loss` is SwiMDiff's ``L_D``.

    Args:
        cond_channels (int): channels of the conditioning feature (the
            backbone's last stage: 512 for ResNet-18).
        in_channels (int): image channels. Defaults to 3.
        base_channels (int): ``c_0``. Defaults to 32.
        channel_mults (Sequence[int]): width multiplier per level. Defaults to
            ``(1, 2, 2)``.
        emb_dim (int): timestep/condition embedding size. Defaults to 128.
        condition (str): ``'pooled'`` or ``'map'`` (see the module docstring).
        schedule (dict | nn.Module): the forward process, defaults to
            ``DDPMSchedule(num_timesteps=1000, beta_start=1e-4, beta_end=0.02)``.
        init_cfg (dict, optional): mmengine init config.
    """

    CONDITIONS = ('pooled', 'map')

    def __init__(self,
                 cond_channels: int,
                 in_channels: int = 3,
                 base_channels: int = 32,
                 channel_mults: Sequence[int] = (1, 2, 2),
                 emb_dim: int = 128,
                 condition: str = 'pooled',
                 schedule: Union[dict, nn.Module] = dict(type='DDPMSchedule'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if condition not in self.CONDITIONS:
            raise ValueError(f'ConditionalDenoiserHead: condition must be one of '
                             f'{self.CONDITIONS}, got {condition!r}')
        if not channel_mults:
            raise ValueError('ConditionalDenoiserHead: channel_mults must not be empty')
        self.cond_channels = cond_channels
        self.in_channels = in_channels
        self.condition = condition
        self.emb_dim = emb_dim
        self.schedule = schedule if isinstance(schedule, nn.Module) else MODELS.build(schedule)
        self.num_levels = len(channel_mults)
        widths = [base_channels * m for m in channel_mults]

        self.time_mlp = nn.Sequential(
            nn.Linear(emb_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.cond_mlp = nn.Sequential(
            nn.Linear(cond_channels, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.conv_in = nn.Conv2d(in_channels, widths[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        self.downsamples = nn.ModuleList()
        prev = widths[0]
        for i, width in enumerate(widths):
            self.down_blocks.append(_ResBlock(prev, width, emb_dim))
            prev = width
            if i < self.num_levels - 1:
                self.downsamples.append(nn.Conv2d(width, width, 3, stride=2, padding=1))
        self.mid_block = _ResBlock(prev, prev, emb_dim)
        self.map_proj = nn.Conv2d(cond_channels, prev, 1) if condition == 'map' else None
        self.up_blocks = nn.ModuleList()
        self.upsamples = nn.ModuleList()
        for i in reversed(range(self.num_levels)):
            self.up_blocks.append(_ResBlock(prev + widths[i], widths[i], emb_dim))
            prev = widths[i]
            if i > 0:
                self.upsamples.append(nn.Conv2d(prev, widths[i - 1], 3, padding=1))
                prev = widths[i - 1]
        self.norm_out = _group_norm(prev)
        self.conv_out = nn.Conv2d(prev, in_channels, 3, padding=1)

    # ------------------------------------------------------------------ helpers
    def _pooled(self, feat: torch.Tensor) -> torch.Tensor:
        if feat.dim() == 4:
            return feat.mean(dim=(2, 3))
        if feat.dim() == 2:
            return feat
        raise ValueError('ConditionalDenoiserHead: the condition must be a feature map '
                         f'(N, {self.cond_channels}, h, w) or a vector (N, '
                         f'{self.cond_channels}), got shape {tuple(feat.shape)}')

    def _check_inputs(self, x_t: torch.Tensor, t: torch.Tensor, feat: torch.Tensor) -> None:
        if x_t.dim() != 4 or x_t.shape[1] != self.in_channels:
            raise ValueError(f'ConditionalDenoiserHead: x_t must be (N, {self.in_channels}, '
                             f'H, W), got {tuple(x_t.shape)}')
        factor = 2**(self.num_levels - 1)
        if x_t.shape[2] % factor or x_t.shape[3] % factor:
            raise ValueError(f'ConditionalDenoiserHead: H and W ({x_t.shape[2]}, '
                             f'{x_t.shape[3]}) must be divisible by 2 ** (levels - 1) = '
                             f'{factor} (channel_mults has {self.num_levels} levels)')
        if feat.shape[0] != x_t.shape[0] or feat.shape[1] != self.cond_channels:
            raise ValueError(f'ConditionalDenoiserHead: condition shape {tuple(feat.shape)} '
                             f'does not match batch {x_t.shape[0]} and cond_channels '
                             f'{self.cond_channels}')
        if self.condition == 'map' and feat.dim() != 4:
            raise ValueError("ConditionalDenoiserHead: condition='map' needs a feature map "
                             f'(N, C, h, w), got shape {tuple(feat.shape)}')
        if t.shape != (x_t.shape[0], ):
            raise ValueError(f'ConditionalDenoiserHead: t must have shape ({x_t.shape[0]},), '
                             f'got {tuple(t.shape)}')

    # ------------------------------------------------------------------ forward
    def forward(self, x_t: torch.Tensor, t: torch.Tensor, feat: torch.Tensor) -> torch.Tensor:
        """``eps_theta(x_t, t, f)``: ``(N, in_channels, H, W)``."""
        self._check_inputs(x_t, t, feat)
        emb = self.time_mlp(timestep_embedding(t, self.emb_dim).to(x_t.dtype))
        emb = emb + self.cond_mlp(self._pooled(feat))
        h = self.conv_in(x_t)
        skips = []
        for i, block in enumerate(self.down_blocks):
            h = block(h, emb)
            skips.append(h)
            if i < self.num_levels - 1:
                h = self.downsamples[i](h)
        if self.map_proj is not None:
            h = h + F.interpolate(self.map_proj(feat), size=h.shape[-2:], mode='bilinear',
                                  align_corners=False)
        h = self.mid_block(h, emb)
        for j, block in enumerate(self.up_blocks):
            h = block(torch.cat([h, skips.pop()], dim=1), emb)
            if j < self.num_levels - 1:
                h = self.upsamples[j](F.interpolate(h, scale_factor=2., mode='nearest'))
        return self.conv_out(F.silu(self.norm_out(h)))

    def _noised(self, x0: torch.Tensor, t: Optional[torch.Tensor],
                noise: Optional[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(x_t, t, eps)``: ``t`` uniform and ``eps`` standard normal where not given."""
        if noise is None:
            noise = torch.randn_like(x0)
        if t is None:
            t = self.schedule.sample_timesteps(x0.shape[0], device=x0.device)
        return self.schedule.q_sample(x0, t, noise), t, noise

    def loss(self,
             x0: torch.Tensor,
             feat: torch.Tensor,
             t: Optional[torch.Tensor] = None,
             noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``L_D = MSE(eps, eps_theta(q_sample(x0, t, eps), t, feat))``.

        Args:
            x0 (Tensor): clean images ``(N, C, H, W)`` (normalised).
            feat (Tensor): the encoder's condition (see the class docstring),
                not detached so ``L_D`` trains the encoder.
            t (Tensor, optional): ``(N,)`` timesteps; uniform in ``[0, T)``
                when None.
            noise (Tensor, optional): ``eps``; standard normal when None.

        Returns:
            Tensor: the scalar MSE (unweighted; SwiMDiff multiplies by
            ``lambda_d``).
        """
        x_t, t, noise = self._noised(x0, t, noise)
        return F.mse_loss(self(x_t, t, feat), noise)

    def loss_with_zeroed_condition(
            self,
            x0: torch.Tensor,
            feat: torch.Tensor,
            t: Optional[torch.Tensor] = None,
            noise: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(L_D, L_D0)``: :meth:`loss` and, on the same ``x_t``, ``t`` and
        ``eps``, the MSE with the condition replaced by zeros (``feat = 0``),
        without gradient. ``L_D0 - L_D`` is what the condition is worth to the
        denoiser: near 0 when it denoises without it (a diagnostic, issue 19)."""
        x_t, t, noise = self._noised(x0, t, noise)
        loss = F.mse_loss(self(x_t, t, feat), noise)
        with torch.no_grad():
            zeroed = F.mse_loss(self(x_t, t, torch.zeros_like(feat)), noise)
        return loss, zeroed
