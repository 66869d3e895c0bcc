"""``DynamicFeatureFusion`` (SSKDNet's neck): shapes, per-sample softmax weights, gradients."""
import pytest
import torch

from rszoo.models.necks import DynamicFeatureFusion

from helpers.sskdnet import stage_maps

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_dynamic_fusion_shapes_weights_and_gradients():
    neck = DynamicFeatureFusion(in_channels=(8, 16, 32), out_channels=12)
    feats = stage_maps(requires_grad=True)
    out = neck(feats)
    assert isinstance(out, tuple) and out[0].shape == (3, 12)
    weights = neck.fusion_weights(feats)
    assert weights.shape == (3, 3)
    # zero-initialised gate: the plain average of the projected stages
    assert torch.allclose(weights, torch.full((3, 3), 1 / 3))
    assert torch.allclose(out[0], neck.project(feats).mean(dim=1), atol=1e-6)
    out[0].square().sum().backward()
    for name, param in neck.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    assert all(f.grad is not None and f.grad.abs().sum() > 0 for f in feats)


def test_dynamic_fusion_weights_are_per_sample_softmax():
    neck = DynamicFeatureFusion(in_channels=(8, 16, 32), out_channels=12)
    torch.nn.init.normal_(neck.gate.weight, std=1.0)
    feats = stage_maps()
    weights = neck.fusion_weights(feats)
    assert torch.allclose(weights.sum(dim=1), torch.ones(3))
    assert not torch.allclose(weights[0], weights[1])
    projected = neck.project(feats)
    fused = (weights.unsqueeze(-1) * projected).sum(dim=1)
    assert torch.allclose(neck(feats)[0], fused, atol=1e-6)


def test_dynamic_fusion_selects_inputs_and_checks_channels():
    neck = DynamicFeatureFusion(in_channels=(16, 32), in_indices=(1, 2), out_channels=4)
    assert neck(stage_maps())[0].shape == (3, 4)
    with pytest.raises(ValueError, match=r'input 0 has shape \(3, 8, 16, 16\), expected'):
        DynamicFeatureFusion(in_channels=(16, 16, 32))(stage_maps())
