"""DDPM forward-process noise schedule: the ``q(x_t | x_0)`` of SwiMDiff's
diffusion constraint.

J. Ho, A. Jain, P. Abbeel, "Denoising Diffusion Probabilistic Models",
NeurIPS 2020 (DDPM). Used by SwiMDiff (Tian et al., arXiv 2401.05093, IEEE
TGRS 62, 2024) for its pixel-level diffusion constraint; the SwiMDiff paper's
facts available here do not state the schedule, so DDPM's is used (linear
betas from ``1e-4`` to ``0.02`` over ``T = 1000`` steps), all config fields.

With ``beta_t`` for ``t = 0 .. T-1`` (DDPM's ``t = 1 .. T``, shifted to be
an index):

    alpha_t     = 1 - beta_t
    abar_t      = prod_{s <= t} alpha_s                       (alphas_cumprod)
    x_t         = sqrt(abar_t) * x_0 + sqrt(1 - abar_t) * eps,  eps ~ N(0, I)

``beta_schedule='linear'``: ``beta_t = linspace(beta_start, beta_end, T)``;
``'scaled_linear'`` (latent-diffusion's): ``linspace(sqrt(beta_start),
sqrt(beta_end), T) ** 2``.

Shapes: ``x_0`` and ``eps`` ``(N, C, H, W)`` (any ``(N, ...)``), ``t`` ``(N,)``
long in ``[0, T)``; ``q_sample`` returns ``(N, ...)``. The tables are
non-persistent buffers (derived from the config, not saved in checkpoints),
computed in float64 and stored as float32; they follow the module's device.
"""
import torch
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class DDPMSchedule(nn.Module):
    """The DDPM forward (noising) process with a fixed beta schedule.

    Args:
        num_timesteps (int): ``T``. Defaults to 1000 (DDPM).
        beta_start (float): ``beta_0``. Defaults to 1e-4 (DDPM).
        beta_end (float): ``beta_{T-1}``. Defaults to 0.02 (DDPM). DDPM's values
            are for ``T = 1000``; for a much smaller ``T`` scale both by
            ``1000 / T`` to keep ``abar_{T-1}`` near 0.
        beta_schedule (str): ``'linear'`` or ``'scaled_linear'``.
    """

    BETA_SCHEDULES = ('linear', 'scaled_linear')

    def __init__(self,
                 num_timesteps: int = 1000,
                 beta_start: float = 1e-4,
                 beta_end: float = 0.02,
                 beta_schedule: str = 'linear'):
        super().__init__()
        if num_timesteps < 1:
            raise ValueError(f'DDPMSchedule: num_timesteps must be >= 1, got {num_timesteps}')
        if not 0. < beta_start <= beta_end < 1.:
            raise ValueError('DDPMSchedule: need 0 < beta_start <= beta_end < 1, got '
                             f'beta_start={beta_start}, beta_end={beta_end}')
        if beta_schedule not in self.BETA_SCHEDULES:
            raise ValueError(f'DDPMSchedule: beta_schedule must be one of '
                             f'{self.BETA_SCHEDULES}, got {beta_schedule!r}')
        self.num_timesteps = int(num_timesteps)
        self.beta_schedule = beta_schedule
        if beta_schedule == 'linear':
            betas = torch.linspace(beta_start, beta_end, num_timesteps, dtype=torch.float64)
        else:
            betas = torch.linspace(beta_start**0.5, beta_end**0.5, num_timesteps,
                                   dtype=torch.float64)**2
        alphas_cumprod = torch.cumprod(1. - betas, dim=0)
        for name, value in (('betas', betas), ('alphas_cumprod', alphas_cumprod),
                            ('sqrt_alphas_cumprod', alphas_cumprod.sqrt()),
                            ('sqrt_one_minus_alphas_cumprod', (1. - alphas_cumprod).sqrt())):
            self.register_buffer(name, value.float(), persistent=False)

    def _check_t(self, t: torch.Tensor, n: int) -> torch.Tensor:
        if t.dim() != 1 or t.shape[0] != n:
            raise ValueError(f'DDPMSchedule: t must have shape ({n},) (one timestep per '
                             f'sample), got {tuple(t.shape)}')
        if t.dtype.is_floating_point:
            raise TypeError(f'DDPMSchedule: t must be an integer tensor, got {t.dtype}')
        if t.numel() and (int(t.min()) < 0 or int(t.max()) >= self.num_timesteps):
            raise ValueError(f'DDPMSchedule: timesteps must be in [0, {self.num_timesteps}), '
                             f'got min {int(t.min())}, max {int(t.max())}')
        return t.long()

    def sample_timesteps(self, n: int, device=None, generator=None) -> torch.Tensor:
        """``n`` timesteps drawn uniformly from ``[0, T)``: ``(n,)`` long."""
        return torch.randint(0, self.num_timesteps, (n, ), device=device, generator=generator)

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor,
                 noise: torch.Tensor) -> torch.Tensor:
        """``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps`` per sample.

        Args:
            x0 (Tensor): clean inputs ``(N, ...)``.
            t (Tensor): ``(N,)`` integer timesteps in ``[0, T)``.
            noise (Tensor): ``eps``, the shape of ``x0``.
        """
        if noise.shape != x0.shape:
            raise ValueError(f'DDPMSchedule.q_sample: noise shape {tuple(noise.shape)} '
                             f'differs from x0 shape {tuple(x0.shape)}')
        t = self._check_t(t, x0.shape[0])
        view = (-1, ) + (1, ) * (x0.dim() - 1)
        a = self.sqrt_alphas_cumprod.to(x0.device)[t].view(view).to(x0.dtype)
        b = self.sqrt_one_minus_alphas_cumprod.to(x0.device)[t].view(view).to(x0.dtype)
        return a * x0 + b * noise

    def extra_repr(self) -> str:
        return (f'num_timesteps={self.num_timesteps}, beta_schedule={self.beta_schedule!r}, '
                f'beta_start={float(self.betas[0]):.3g}, beta_end={float(self.betas[-1]):.3g}')
