"""Channel groups and global pruning to a FLOPs target (channel_groups.py, flops_pruner.py,
pic_importance.py, plan.py, compressed_model.py) on a tiny mmpretrain ResNet-18: the residual
chains, a pruned model that runs with FLOPs measured on its modules <= the target, the
safeguard kept, the plan rebuilding the same model through type='CompressedModel'."""
import copy

import numpy as np
import pytest
import torch
from mmengine.analysis import FlopAnalyzer

from rszoo.models.compression import (BOPsCounter, GlobalFLOPsPruner, LayerCostModel,
                                      PICImportance, PICPQCompressor, apply_plan,
                                      build_compressed_model, conv_names_in_order,
                                      fake_quant_state, prune_group, resnet_channel_groups,
                                      safeguard_quota)

from picpq_helpers import INPUT_SHAPE, TINY_RESNET, build_tiny_resnet

pytestmark = pytest.mark.usefixtures('single_thread_registry')


@pytest.fixture
def tiny_resnet(single_thread_registry):
    return build_tiny_resnet()


class AsTensor(torch.nn.Module):
    """``model(x, mode='tensor')`` as a plain forward, for mmengine's FlopAnalyzer."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x, mode='tensor')


def test_resnet18_channel_groups_follow_the_residual_chains(tiny_resnet):
    groups = {g.name: g for g in resnet_channel_groups(tiny_resnet)}
    assert len(groups) == 12  # 8 block-internal groups + 4 stage streams
    stream1 = groups['backbone.layer1:stream']
    assert stream1.producers == ['backbone.conv1', 'backbone.layer1.0.conv2',
                                 'backbone.layer1.1.conv2']
    assert stream1.consumers == ['backbone.layer1.0.conv1', 'backbone.layer1.1.conv1',
                                 'backbone.layer2.0.conv1', 'backbone.layer2.0.downsample.0']
    assert groups['backbone.layer2:stream'].producers[0] == 'backbone.layer2.0.downsample.0'
    assert groups['backbone.layer4:stream'].consumers[-1] == 'head.fc'
    assert groups['backbone.layer3.1.conv1'].consumers == ['backbone.layer3.1.conv2']
    assert len(conv_names_in_order(tiny_resnet, groups.values())) == 20


def test_prune_group_keeps_the_chain_consistent(tiny_resnet):
    model = copy.deepcopy(tiny_resnet)
    group = {g.name: g for g in resnet_channel_groups(model)}['backbone.layer4:stream']
    prune_group(model, group, [0, 5, 63])
    assert model.head.fc.in_features == 3 and model.head.in_channels == 3
    assert model.backbone.layer4[1].conv1.in_channels == 3
    assert model.backbone.layer4[0].downsample[1].running_mean.shape == (3, )
    assert torch.equal(model.backbone.layer4[0].conv2.weight,
                       tiny_resnet.backbone.layer4[0].conv2.weight[[0, 5, 63]])
    assert model(torch.rand(2, *INPUT_SHAPE), mode='tensor').shape == (2, 3)
    with pytest.raises(ValueError, match=r'strictly increasing'):
        prune_group(model, group, [2, 1])


@pytest.mark.parametrize('target', [0.6, 0.45, 0.3])
def test_pruning_to_a_flops_target(tiny_resnet, target):
    groups = resnet_channel_groups(tiny_resnet)
    names = conv_names_in_order(tiny_resnet, groups)
    rng = np.random.default_rng(1)
    fp = {n: torch.tensor(rng.random(tiny_resnet.get_submodule(n).out_channels)) for n in names}
    ab = np.stack([np.exp(rng.normal(size=len(names))), rng.normal(size=len(names))], 1)
    compressor = PICPQCompressor(importance=dict(type='L1FilterNorm'), evolution=None,
                                 pruner=dict(flops_target=target, safeguard=0.1),
                                 input_shape=INPUT_SHAPE)
    pruned, kept = compressor.prune(tiny_resnet, fp, ab)
    dense_flops = BOPsCounter(INPUT_SHAPE)(tiny_resnet)['flops']
    measured = BOPsCounter(INPUT_SHAPE)(pruned)['flops']      # on the built modules
    assert measured <= target * dense_flops
    assert measured > 0.5 * target * dense_flops            # stopped near the target
    # the same count as mmengine's (fvcore's) analyzer gives for the convs and the linear
    ops = FlopAnalyzer(AsTensor(pruned), torch.rand(1, *INPUT_SHAPE)).by_operator()
    assert measured == ops['conv'] + ops['linear']
    assert pruned(torch.rand(2, *INPUT_SHAPE), mode='tensor').shape == (2, 3)
    for group in groups:
        width = len(kept[group.name])
        assert width >= group.width - safeguard_quota(group.width, 0.1)  # the safeguard
        assert width >= 2 and width >= 0.1 * group.width
    for group in resnet_channel_groups(pruned):                # widths agree along chains
        assert group.width == len(kept[group.name])


def test_safeguard_floor_is_a_clear_error(tiny_resnet):
    groups = resnet_channel_groups(tiny_resnet)
    names = conv_names_in_order(tiny_resnet, groups)
    fp = {n: torch.ones(tiny_resnet.get_submodule(n).out_channels) for n in names}
    scores = PICImportance()(fp, np.tile([1.0, 0.0], (len(names), 1)), names, groups)
    cost = LayerCostModel(tiny_resnet, groups, INPUT_SHAPE)
    with pytest.raises(ValueError, match=r'below what safeguard 0.1 allows'):
        GlobalFLOPsPruner(flops_target=0.01).plan(groups, scores, cost)
    with pytest.raises(ValueError, match=r'expected an array of shape \(20, 2\)'):
        PICImportance()(fp, np.ones((3, 2)), names, groups)
    with pytest.raises(ValueError, match=r'a_l must be > 0; rows \[0\]'):
        PICImportance()(fp, np.tile([[-1.0, 0.0]] + [[1.0, 0.0]] * 19, (1, 1)), names, groups)


def test_the_plan_rebuilds_the_pruned_model(tiny_resnet):
    compressor = PICPQCompressor(importance=dict(type='L1FilterNorm'), evolution=None,
                                 pruner=dict(flops_target=0.5),
                                 bits=dict(bmax=[32, 8, 6, 4, 4], lam=1 / 6),
                                 input_shape=INPUT_SHAPE)
    result = compressor.compress(tiny_resnet)
    plan = dict(result.plan, format='rszoo-compression-plan', version=1)
    assert plan['flops']['pruned'] <= plan['flops']['target']
    layers = plan['layers']
    assert layers['backbone.conv1']['weight_bits'] == 32 and \
        layers['backbone.conv1']['input_bits'] is None
    # a block's conv2 reads conv1's activation at conv1's bits; conv1 reads the FP stream
    assert layers['backbone.layer2.1.conv2']['input_bits'] == \
        layers['backbone.layer2.1.conv1']['weight_bits']
    assert layers['backbone.layer2.1.conv1']['input_bits'] is None
    assert layers['backbone.layer3.0.downsample.0']['input_bits'] is None
    model = build_compressed_model(dict(TINY_RESNET), plan)
    assert fake_quant_state(model) == dict(weights=False, activations=False)
    model.load_state_dict(result.model.state_dict())        # strict: same keys and shapes
    model.eval()
    x = torch.rand(2, *INPUT_SHAPE)
    assert torch.allclose(model(x, mode='tensor'), result.model(x, mode='tensor'), atol=1e-6)
    counts = BOPsCounter(INPUT_SHAPE)(model)
    assert counts['flops'] == plan['flops']['pruned']
    on = build_compressed_model(dict(TINY_RESNET), plan,
                                quantize=dict(weights=True, activations=True))
    on.load_state_dict(result.model.state_dict())
    assert BOPsCounter(INPUT_SHAPE)(on)['bops'] == plan['bops']['bops']
    # the authors' convention counts FP inputs (stream, image) at the conv's bits: lower
    assert plan['bops']['authors_convention'] < plan['bops']['bops']
    stem = [r for r in plan['bops_layers'] if r['name'] == 'backbone.conv1'][0]
    assert (stem['weight_bits'], stem['input_bits']) == (32, 32)   # the image is 32-bit
    fc = [r for r in plan['bops_layers'] if r['name'] == 'head.fc'][0]
    assert (fc['weight_bits'], fc['input_bits']) == (32, 32)
    with pytest.raises(ValueError, match=r'was made for 8 channels, the model has 16'):
        wide = dict(TINY_RESNET, backbone=dict(TINY_RESNET['backbone'], base_channels=16,
                                                stem_channels=16),
                    head=dict(TINY_RESNET['head'], in_channels=128))
        build_compressed_model(wide, plan)
    bad = copy.deepcopy(plan)
    bad['layers']['backbone.layer9.conv1'] = dict(weight_bits=4)
    with pytest.raises(KeyError, match=r"layer 'backbone.layer9.conv1' is not a module"):
        apply_plan(copy.deepcopy(tiny_resnet), bad)
