"""MDFL-like parts: frequency-domain parser, multi-domain diffusion encoder, low-rank
spatial-spectral matrix fusion, feature-reuse head, diffusion noise loss (shapes, known inputs)."""
import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()
from rszoo.registry import MODELS  # noqa: E402

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_spectral_parser_with_unit_map_is_fft_round_trip():
    parser = MODELS.build(dict(type='FrequencyDomainParser', channels=8, domain='spectral'))
    with torch.no_grad():  # out_conv = identity: out = x + irfft(1 * rfft(x)) = 2 x
        parser.out_conv.weight.copy_(torch.eye(8).view(8, 8, 1, 1))
        parser.out_conv.bias.zero_()
    x = torch.randn(3, 8, 2, 2)
    torch.testing.assert_close(parser(x), 2 * x, atol=1e-5, rtol=1e-5)
    with torch.no_grad():  # zero map: the filtered signal vanishes
        parser.weight.zero_()
    torch.testing.assert_close(parser(x), x)


def test_spatial_parser_is_two_convs_on_a_single_pixel():
    parser = MODELS.build(dict(type='FrequencyDomainParser', channels=4, domain='spatial'))
    x = torch.randn(2, 4, 1, 1)  # FFT2 of a 1 x 1 map is the identity
    expected = x + parser.out_conv(parser.freq_conv(x))
    torch.testing.assert_close(parser(x), expected)
    assert parser(torch.randn(2, 4, 5, 5)).shape == (2, 4, 5, 5)
    with pytest.raises(ValueError, match='domain'):
        MODELS.build(dict(type='FrequencyDomainParser', channels=4, domain='time'))
    with pytest.raises(ValueError, match=r'\(B, 4, H, W\)'):
        parser(torch.randn(2, 3, 1, 1))


def test_diffusion_noise_loss_known_values():
    pred, noise = torch.tensor([[1., -3.]]), torch.zeros(1, 2)
    l1 = MODELS.build(dict(type='DiffusionNoiseLoss', norm='l1'))
    l2 = MODELS.build(dict(type='DiffusionNoiseLoss', norm='l2', loss_weight=2.))
    assert l1(pred, noise).item() == pytest.approx(2.0)
    assert l2(pred, noise).item() == pytest.approx(10.0)
    with pytest.raises(ValueError, match='differ in shape'):
        l1(pred, torch.zeros(2, 2))


def test_multi_domain_encoder_shapes_and_deterministic_features():
    enc = MODELS.build(dict(type='MultiDomainDiffusionEncoder', in_channels=21, embed_dim=16,
                            depth=3, num_groups=4, schedule=dict(num_timesteps=50)))
    x0 = torch.randn(5, 21, 1, 1)
    eps_hat, noise, feats = enc(x0)
    assert eps_hat.shape == noise.shape == x0.shape
    assert len(feats) == 3 and all(f.shape == (5, 16, 1, 1) for f in feats)
    enc.eval()
    a, b = enc.features(x0, t=0), enc.features(x0, t=0)
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    # the t-th noise-free x_t is sqrt(abar_t) x0: features at t = 49 differ from t = 0
    assert not torch.allclose(enc.features(x0, t=49)[-1], a[-1])
    eps_hat, _, _ = enc(torch.randn(2, 21, 7, 7))
    assert eps_hat.shape == (2, 21, 7, 7)
    with pytest.raises(ValueError, match=r'\(B, 21, H, W\)'):
        enc(torch.randn(2, 20, 1, 1))


def test_spatial_spectral_matrix_fusion_and_missing_modality():
    fusion = MODELS.build(dict(type='SpatialSpectralMatrixFusion', in_channels=(8, 4), rank=6,
                               out_channels=5))
    f_a, f_b = torch.randn(3, 8, 2, 2), torch.randn(3, 4, 2, 2)
    out = fusion(f_a, f_b)
    assert out.shape == (3, 8 + 4 + 5) == (3, fusion.out_channels)
    torch.testing.assert_close(out[:, :8], f_a.mean(dim=(2, 3)))
    # without B the bilinear term is tanh(U u_a) * tanh(V 0 + c) through P: u_b part is zero
    only_a = fusion(f_a, None)
    assert (only_a[:, 8:12] == 0).all()
    with pytest.raises(ValueError, match='both inputs'):
        fusion(None, None)
    with pytest.raises(ValueError, match=r'\(B, 4, H, W\)'):
        fusion(f_a, torch.randn(3, 5, 2, 2))


def test_feature_reuse_head_reads_the_centre_pixel():
    head = MODELS.build(dict(type='FeatureReuseHead', num_classes=6, deep_channels=10,
                             raw_channels=3, raw_dim=4, hidden_dim=8, dropout=0.)).eval()
    deep, raw = torch.randn(2, 10), torch.randn(2, 3, 5, 5)
    out = head(deep, raw)
    assert out.shape == (2, 6)
    torch.testing.assert_close(out, head(deep, raw[:, :, 2, 2]))
    with pytest.raises(ValueError, match='no raw input'):
        head(deep)
    no_raw = MODELS.build(dict(type='FeatureReuseHead', num_classes=6, deep_channels=10))
    assert no_raw(deep).shape == (2, 6)
