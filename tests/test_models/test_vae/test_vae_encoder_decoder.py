"""``GaussianMLPEncoder`` and ``MLPDecoder`` (MCFA's VAEs): shapes, sampling and errors."""
import math

import pytest
import torch

from rszoo.models.vae import GaussianMLPEncoder, MLPDecoder

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_encoder_decoder_shapes_and_errors():
    enc = GaussianMLPEncoder(in_channels=16, latent_dim=4, hidden_channels=8)
    dec = MLPDecoder(latent_dim=4, out_channels=16, hidden_channels=8)
    mu, logvar = enc(torch.randn(3, 16))
    assert mu.shape == logvar.shape == (3, 4)
    assert dec(enc.sample(mu, logvar)).shape == (3, 16)
    torch.manual_seed(0)
    z = enc.sample(torch.zeros(20000, 1), torch.full((20000, 1), math.log(4.)))
    assert z.std().item() == pytest.approx(2.0, rel=0.05)  # exp(logvar / 2) = 2
    with pytest.raises(ValueError, match=r'expected \(N, 16\)'):
        enc(torch.randn(3, 15))
