"""ResidualStageFusion (SSKDNet's fusion that starts as the plain classifier): at step 0 it is
mmpretrain's GlobalAveragePooling, so an SSKDNet built on it gives the baseline's logits; the
projections and the gate learn; bad inputs get clear errors."""
import pytest
import torch

from rszoo.models.necks import ResidualStageFusion
from rszoo.registry import MODELS

from helpers.sskdnet import batch, stage_maps, tiny_model_cfg

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_starts_as_global_average_pooling_of_the_last_stage():
    neck = ResidualStageFusion(in_channels=(8, 16, 32))
    neck.init_weights()
    feats = stage_maps()
    (fused, ) = neck(feats)
    assert fused.shape == (3, 32)
    assert torch.equal(fused, feats[-1].mean(dim=(2, 3)))
    weights = neck.fusion_weights(feats)
    assert torch.allclose(weights, torch.full((3, 2), 0.5))


def test_projections_get_gradients_and_then_change_the_output():
    neck = ResidualStageFusion(in_channels=(8, 16, 32))
    feats = stage_maps()
    neck(feats)[0].pow(2).sum().backward()
    assert all(p.weight.grad.abs().sum() > 0 for p in neck.projections)
    with torch.no_grad():
        neck.projections[0].weight.fill_(0.1)
    (fused, ) = neck(feats)
    g0 = feats[0].mean(dim=(2, 3))
    expected = feats[-1].mean(dim=(2, 3)) + 0.5 * (g0 @ neck.projections[0].weight.T)
    assert torch.allclose(fused, expected, atol=1e-6)


def test_sskdnet_step0_logits_equal_the_baseline_classifier():
    """Same backbone and head weights: SSKDNet on ResidualStageFusion predicts exactly what the
    plain ImageClassifier (GlobalAveragePooling neck) predicts."""
    sskd_cfg = tiny_model_cfg(neck=dict(type='ResidualStageFusion', in_channels=(8, 16, 32, 64)))
    sskd_cfg['head']['in_channels'] = 64
    sskd = MODELS.build(sskd_cfg)
    sskd.init_weights()
    base = MODELS.build(dict(type='ImageClassifier', data_preprocessor=sskd_cfg['data_preprocessor'],
                             backbone=sskd_cfg['backbone'], neck=dict(type='GlobalAveragePooling'),
                             head=sskd_cfg['head']))
    base.backbone.load_state_dict(sskd.backbone.state_dict())
    base.head.load_state_dict(sskd.head.state_dict())
    sskd.eval(), base.eval()
    data = sskd.data_preprocessor(batch(n=3), training=False)
    with torch.no_grad():
        # the baseline's GAP sees only the last stage; out_indices feed the fusion all four
        assert torch.equal(sskd(data['inputs'], mode='tensor'),
                           base(data['inputs'], mode='tensor'))


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match='at least 2 stages'):
        ResidualStageFusion(in_channels=(32, ))
    neck = ResidualStageFusion(in_channels=(8, 16, 32))
    with pytest.raises(ValueError, match='expected 3'):
        neck(stage_maps()[:2])
    with pytest.raises(ValueError, match=r'input 1 has shape .*expected \(N, 16'):
        neck(stage_maps(channels=(8, 17, 32)))


def test_normalised_gate_input_makes_the_gate_blind_to_the_feature_scale():
    feats = stage_maps()
    plain = ResidualStageFusion(in_channels=(8, 16, 32))
    normed = ResidualStageFusion(in_channels=(8, 16, 32), norm_gate_input=True)
    for neck in (plain, normed):
        with torch.no_grad():
            neck.gate.weight.normal_(0, 0.1, generator=torch.Generator().manual_seed(0))
    scaled = tuple(10 * f for f in feats)
    assert torch.allclose(normed.fusion_weights(feats), normed.fusion_weights(scaled), atol=1e-4)
    assert not torch.allclose(plain.fusion_weights(feats), plain.fusion_weights(scaled), atol=1e-2)
    # still the baseline at step 0 (zero projections)
    assert torch.equal(normed(feats)[0], feats[-1].mean(dim=(2, 3)))
