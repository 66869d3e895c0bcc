"""``DDPMSchedule`` (SwiMDiff's diffusion constraint): the closed-form forward process."""
import math

import pytest
import torch

from rszoo.models.utils import DDPMSchedule
from rszoo.registry import MODELS

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_q_sample_is_the_closed_form():
    schedule = MODELS.build(dict(type='DDPMSchedule', num_timesteps=4, beta_start=0.1,
                                 beta_end=0.4))
    assert isinstance(schedule, DDPMSchedule)
    betas = [0.1, 0.2, 0.3, 0.4]  # linspace(0.1, 0.4, 4)
    torch.testing.assert_close(schedule.betas, torch.tensor(betas))
    abar = [math.prod(1 - b for b in betas[:t + 1]) for t in range(4)]  # 0.9, 0.72, .504, .3024
    torch.testing.assert_close(schedule.alphas_cumprod, torch.tensor(abar))
    x0 = torch.tensor([[[[1.0, -2.0]]], [[[0.5, 3.0]]]])  # (2, 1, 1, 2)
    eps = torch.tensor([[[[0.3, 0.1]]], [[[-1.0, 2.0]]]])
    t = torch.tensor([0, 3])
    expected = torch.stack([
        math.sqrt(0.9) * x0[0] + math.sqrt(0.1) * eps[0],
        math.sqrt(0.3024) * x0[1] + math.sqrt(1 - 0.3024) * eps[1]])
    torch.testing.assert_close(schedule.q_sample(x0, t, eps), expected)
    assert schedule.sample_timesteps(100).max() < 4
    with pytest.raises(ValueError, match=r'timesteps must be in \[0, 4\)'):
        schedule.q_sample(x0, torch.tensor([0, 4]), eps)
    with pytest.raises(ValueError, match='noise shape'):
        schedule.q_sample(x0, t, eps[:1])
    scaled = DDPMSchedule(num_timesteps=3, beta_start=0.01, beta_end=0.09,
                          beta_schedule='scaled_linear')
    torch.testing.assert_close(scaled.betas, torch.tensor([0.01, 0.04, 0.09]))
    assert 'betas' not in schedule.state_dict()  # derived, not saved
