"""``ConditionalDenoiserHead`` (SwiMDiff's diffusion constraint): the loss on a known
input and the encoder condition reaching the output.
"""
import pytest
import torch
import torch.nn.functional as F

from rszoo.models.heads import ConditionalDenoiserHead

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_diffusion_loss_on_a_known_input():
    head = ConditionalDenoiserHead(cond_channels=6, base_channels=4, channel_mults=(1, 2),
                                   emb_dim=8, schedule=dict(type='DDPMSchedule',
                                                            num_timesteps=10))
    x0 = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    eps = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    feat = torch.randn(2, 6, 2, 2)
    t = torch.tensor([3, 7])
    # the loss is the MSE between eps and the head's prediction at q_sample(x0, t, eps)
    x_t = head.schedule.q_sample(x0, t, eps)
    assert head(x_t, t, feat).shape == (2, 3, 8, 8)
    torch.testing.assert_close(head.loss(x0, feat, t=t, noise=eps),
                               F.mse_loss(head(x_t, t, feat), eps))
    # a denoiser that predicts 0 has loss mean(eps^2), computed by hand
    torch.nn.init.zeros_(head.conv_out.weight)
    torch.nn.init.zeros_(head.conv_out.bias)
    by_hand = sum(v * v for v in eps.flatten().tolist()) / eps.numel()
    assert head.loss(x0, feat, t=t, noise=eps).item() == pytest.approx(by_hand, rel=1e-5)


@pytest.mark.parametrize('condition', ['pooled', 'map'])
def test_denoiser_condition_reaches_the_output_and_gets_gradients(condition):
    head = ConditionalDenoiserHead(cond_channels=6, base_channels=4, channel_mults=(1, 2, 2),
                                   emb_dim=8, condition=condition)
    x_t = torch.randn(2, 3, 16, 16)
    t = torch.tensor([5, 500])
    feat = torch.randn(2, 6, 2, 2, requires_grad=True)
    out = head(x_t, t, feat)
    other = head(x_t, t, feat.detach() + 1.)
    assert out.shape == x_t.shape and not torch.allclose(out, other)
    out.square().mean().backward()
    assert feat.grad is not None and feat.grad.abs().sum() > 0
    if condition == 'map':  # spatial: another layout of the same pooled vector differs
        flipped = head(x_t, t, feat.detach().flip(-1))
        assert not torch.allclose(head(x_t, t, feat.detach()), flipped)
    with pytest.raises(ValueError, match='divisible by 2 \\*\\* \\(levels - 1\\) = 4'):
        head(torch.randn(2, 3, 10, 10), t, feat)
    with pytest.raises(ValueError, match='cond_channels 6'):
        head(x_t, t, torch.randn(2, 5, 2, 2))
    with pytest.raises(ValueError, match='condition must be one of'):
        ConditionalDenoiserHead(cond_channels=6, condition='concat')
