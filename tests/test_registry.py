"""rszoo's registries are children of mmpretrain's: lookups across scopes."""
import subprocess
import sys

import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import MODELS as MMENGINE_MODELS

from rszoo import registry
from rszoo.utils import register_all_modules

register_all_modules()


def test_registries_are_children_of_mmpretrain():
    for name in ('MODELS', 'DATASETS', 'TRANSFORMS', 'METRICS', 'HOOKS', 'OPTIMIZERS',
                 'PARAM_SCHEDULERS', 'VISUALIZERS', 'LOOPS', 'EVALUATORS'):
        reg = getattr(registry, name)
        assert reg.scope == 'rszoo', name
        assert reg.parent is not None and reg.parent.scope == 'mmpretrain', name


def test_rszoo_scope_finds_mmpretrain_and_rszoo_components():
    from mmpretrain.models import ResNet
    assert registry.MODELS.get('ResNet') is ResNet
    assert registry.MODELS.get('mmpretrain.ResNet') is ResNet
    assert registry.MODELS.get('EfficientNetLite') is not None
    assert registry.TRANSFORMS.get('LoadRSImage') is not None
    assert registry.TRANSFORMS.get('RandomRot90') is not None
    assert registry.TRANSFORMS.get('PackInputs') is not None  # mmpretrain's
    assert registry.TRANSFORMS.get('Resize') is not None  # mmcv's, through mmpretrain
    assert registry.DATASETS.get('AID') is not None
    assert registry.METRICS.get('Accuracy') is not None
    assert registry.HOOKS.get('ChannelsLastHook') is not None
    assert registry.HOOKS.get('CheckpointHook') is not None  # mmengine's
    assert registry.MODELS.get('NoSuchThing') is None


def test_rszoo_components_invisible_from_mmpretrain_scope():
    from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
    assert MMPRETRAIN_MODELS.get('EfficientNetLite') is None
    assert MMPRETRAIN_MODELS.get('rszoo.EfficientNetLite') is not None


def test_build_mixed_config_through_root_registry_with_default_scope():
    """The Runner builds through mmengine's root registries and the default scope."""
    cfg = dict(
        type='ImageClassifier',  # mmpretrain's
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=5, in_channels=64))
    with DefaultScope.overwrite_default_scope('rszoo'):
        model = MMENGINE_MODELS.build(cfg)
        hook = MMENGINE_HOOKS.build(dict(type='ChannelsLastHook'))
    out = model(torch.randn(2, 3, 32, 32))
    assert out.shape == (2, 5)
    assert type(hook).__module__.startswith('rszoo.')


def test_child_registry_lookup_in_fresh_process():
    """B8: in a fresh interpreter ``ResNet`` resolves after register_all_modules alone."""
    code = ('from rszoo.utils import register_all_modules; register_all_modules();'
            'from rszoo.registry import MODELS; print(MODELS.get("ResNet").__module__)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith('mmpretrain.models.backbones.resnet')


@pytest.mark.parametrize('bad', ['ResNett', 'efficientnetlite'])
def test_unknown_type_is_a_clear_error(bad):
    with pytest.raises(KeyError, match=bad):
        registry.MODELS.build(dict(type=bad))
