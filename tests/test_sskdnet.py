"""SSKDNet (Zhao et al., Remote Sensing 14(19):4813, 2022): its parts, the
classifier, the deploy export and the configs under ``configs/sskdnet/``.

Tiny tensors only (batch <= 4, <= 64 px, narrow networks); nothing is
downloaded and no data set is read.
"""
import copy
import glob
import importlib.util
import math
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
import yaml
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample
from torch.nn.modules.batchnorm import _BatchNorm

from rszoo.models.classifiers import SSKDNet
from rszoo.models.heads import FeatureRestorationHead
from rszoo.models.losses import KDLoss
from rszoo.models.necks import DynamicFeatureFusion
from rszoo.models.utils import BackgroundMaskShuffle
from rszoo.registry import DATASETS, MODELS
from rszoo.utils import register_all_modules

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_DIR = osp.join(REPO, 'configs', 'sskdnet')
AID150_PAIRS = {  # SSKDNet config -> the baseline it is compared with
    'sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_20e.py':
    'efficientnet-lite0_in1k-pre_aid150-20-80_128px_20e.py',
    'sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_10e.py':
    'efficientnet-lite0_in1k-pre_aid150-20-80_128px_10e.py',
    'sskdnet_efficientnet-lite0_in1k-pre_aid150-50-50_128px_8e.py':
    'efficientnet-lite0_in1k-pre_aid150-50-50_128px_8e.py',
    'sskdnet_resnet18_scratch_aid150-20-80_64px_40e.py':
    'resnet18_scratch_aid150-20-80_64px_40e.py',
    'sskdnet_resnet18_scratch_aid150-50-50_64px_16e.py':
    'resnet18_scratch_aid150-50-50_64px_16e.py',
}


@pytest.fixture(autouse=True, scope='module')
def _single_thread_and_registry():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    register_all_modules()
    yield
    torch.set_num_threads(threads)


def tiny_model_cfg(num_classes=5, **overrides):
    """A narrow ResNet-18 SSKDNet (stages of 8/16/32/64 channels)."""
    cfg = dict(
        type='SSKDNet',
        data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=num_classes,
                               mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True),
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      out_indices=(0, 1, 2, 3)),
        neck=dict(type='DynamicFeatureFusion', in_channels=(8, 16, 32, 64), out_channels=24),
        head=dict(type='LinearClsHead', num_classes=num_classes, in_channels=24,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        branch=dict(type='FeatureRestorationHead', in_channels=64, target_channels=8,
                    hidden_channels=16, num_classes=num_classes),
        mask_shuffle=dict(type='BackgroundMaskShuffle', mode='attention', mask_ratio=0.25,
                          grid_size=4),
        kd_loss=dict(type='KDLoss', temperature=4.0, loss_weight=1.0, detach_teacher=True),
    )
    cfg.update(overrides)
    return cfg


def batch(n=2, size=32, num_classes=5, seed=0):
    gen = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 256, (3, size, size), dtype=torch.uint8, generator=gen)
              for _ in range(n)]
    samples = [DataSample().set_gt_label(i % num_classes) for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


# --------------------------------------------------------------------------
# Background masking + patch shuffling
# --------------------------------------------------------------------------
def test_shuffle_of_arange_image_is_a_permutation_of_its_patches():
    k, size = 4, 8
    module = BackgroundMaskShuffle(grid_size=k)
    x = torch.arange(2 * 3 * size * size, dtype=torch.float32).view(2, 3, size, size)
    torch.manual_seed(0)
    perm = module.random_permutation(2, x.device)
    out = module.shuffle_patches(x, perm)
    assert out.shape == x.shape
    p = size // k

    def patch(t, n, idx):
        r, c = divmod(int(idx), k)
        return t[n, :, r * p:(r + 1) * p, c * p:(c + 1) * p]

    for n in range(2):
        assert sorted(perm[n].tolist()) == list(range(k * k))
        for j in range(k * k):  # output patch j is input patch perm[n, j]
            assert torch.equal(patch(out, n, j), patch(x, n, perm[n, j]))
    # the same values, moved: a permutation of the pixels as a whole
    assert torch.equal(out.flatten().sort().values, x.flatten().sort().values)
    # the inverse permutation restores the input
    assert torch.equal(module.shuffle_patches(out, perm.argsort(dim=1)), x)
    assert not torch.equal(out, x)


def test_attention_mask_is_exactly_the_lowest_attention_pixels():
    module = BackgroundMaskShuffle(mask_ratio=0.25, grid_size=1, mode='attention',
                                   fill_value=-7.0)
    torch.manual_seed(1)
    images = torch.randn(2, 3, 8, 8)
    feature = torch.rand(2, 5, 8, 8)  # same size as the image: no interpolation
    out, mask, perm = module(images, feature)
    assert out.shape == images.shape and mask.shape == (2, 1, 8, 8)
    assert perm.shape == (2, 1)
    attention = feature.mean(dim=1)
    for n in range(2):
        lowest = set(attention[n].flatten().argsort()[:16].tolist())
        assert set(mask[n, 0].flatten().nonzero().flatten().tolist()) == lowest
    # masked pixels (all channels) hold fill_value, the others are untouched
    m = mask.expand_as(images)
    assert torch.all(out[m] == -7.0)
    assert torch.equal(out[~m], images[~m])


def test_attention_map_is_upsampled_late_stage_channel_mean():
    module = BackgroundMaskShuffle(mask_ratio=0.5, grid_size=2)
    feature = torch.rand(3, 4, 2, 2)
    images = torch.randn(3, 3, 16, 16)
    mask = module.background_mask(images, feature)
    assert mask.shape == (3, 1, 16, 16)
    assert mask.sum(dim=(1, 2, 3)).tolist() == [128, 128, 128]
    up = F.interpolate(feature.mean(1, keepdim=True), size=(16, 16), mode='bilinear',
                       align_corners=False)[:, 0]
    # every masked pixel has lower attention than every kept pixel
    for n in range(3):
        assert up[n][mask[n, 0]].max() <= up[n][~mask[n, 0]].min()


def test_random_mode_masks_whole_blocks_and_shuffle_moves_them():
    module = BackgroundMaskShuffle(mask_ratio=0.25, grid_size=2, mode='random', random_grid=4)
    images = torch.ones(2, 3, 16, 16)
    torch.manual_seed(0)
    out, mask, perm = module(images)
    assert out.shape == images.shape
    blocks = mask.view(2, 4, 4, 4, 4).permute(0, 1, 3, 2, 4).reshape(2, 16, 16)
    per_block = blocks.sum(dim=2)
    assert set(per_block.unique().tolist()) <= {0, 16}  # whole 4x4 blocks
    assert (per_block == 16).sum(dim=1).tolist() == [4, 4]  # round(0.25 * 16)
    # the shuffled output is the masked image with its 2x2 patches permuted
    expected = module.shuffle_patches(images.masked_fill(mask, 0.), perm)
    assert torch.equal(out, expected)
    assert (out == 0).sum().item() == 2 * 3 * 64


def test_mask_shuffle_errors_are_clear():
    with pytest.raises(ValueError, match='grid_size=3 must divide'):
        BackgroundMaskShuffle(grid_size=3).shuffle_patches(
            torch.zeros(1, 1, 8, 8), torch.zeros(1, 9, dtype=torch.long))
    with pytest.raises(ValueError, match='needs the backbone attention feature'):
        BackgroundMaskShuffle(mode='attention')(torch.zeros(1, 3, 8, 8))
    with pytest.raises(ValueError, match='mode must be one of'):
        BackgroundMaskShuffle(mode='saliency')
    fallback = BackgroundMaskShuffle(mode='attention', fallback_to_random=True, grid_size=2)
    assert fallback(torch.zeros(1, 3, 8, 8))[0].shape == (1, 3, 8, 8)


# --------------------------------------------------------------------------
# Dynamic feature fusion
# --------------------------------------------------------------------------
def stage_maps(n=3, channels=(8, 16, 32), size=16, requires_grad=False):
    torch.manual_seed(2)
    return tuple(
        torch.randn(n, c, size // 2**i, size // 2**i, requires_grad=requires_grad)
        for i, c in enumerate(channels))


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


# --------------------------------------------------------------------------
# Feature restoration branch
# --------------------------------------------------------------------------
@pytest.mark.parametrize('restore_loss', ['mse', 'smooth_l1'])
def test_restoration_head_shapes_losses_and_stop_gradient(restore_loss):
    head = FeatureRestorationHead(in_channels=32, target_channels=8, num_classes=5,
                                  hidden_channels=16, restore_loss=restore_loss,
                                  loss_restore_weight=2.0, target_norm='none')
    feats = stage_maps(n=2, requires_grad=True)
    target = torch.randn(2, 8, 16, 16, requires_grad=True)
    restored, logits = head(feats, target.shape[-2:])
    assert restored.shape == (2, 8, 16, 16) and logits.shape == (2, 5)
    loss_r = head.restoration_loss(restored, target)
    ref = (F.mse_loss if restore_loss == 'mse' else F.smooth_l1_loss)(restored, target)
    assert torch.allclose(loss_r, 2.0 * ref)
    samples = [DataSample().set_gt_label(i) for i in (1, 4)]
    loss_c = head.classification_loss(logits, samples)
    assert torch.allclose(loss_c, F.cross_entropy(logits, torch.tensor([1, 4])))
    (loss_r + loss_c).backward()
    assert target.grad is None  # the target is detached (stop-gradient)
    assert feats[-1].grad is not None and feats[-1].grad.abs().sum() > 0
    assert feats[0].grad is None  # only feats[in_index] feeds the branch
    for name, param in head.named_parameters():
        assert param.grad is not None, name
    with pytest.raises(ValueError, match='differ; check target_channels'):
        head.restoration_loss(restored, torch.zeros(2, 4, 16, 16))


def test_restoration_target_is_standardised_per_image_and_channel():
    head = FeatureRestorationHead(in_channels=32, target_channels=2, num_classes=3,
                                  hidden_channels=8)  # target_norm='instance'
    # a map of scale 13 (EfficientNet-Lite0's stride-4 stage): standardised, the
    # loss of a zero prediction is 1 per element, not the map's mean square
    target = 13. * torch.randn(2, 2, 8, 8) + 5.
    zero = torch.zeros_like(target)
    assert torch.allclose(head.restoration_loss(zero, target), torch.tensor(1.), atol=1e-4)
    # hand-computed on one 2x2 map [[0, 2], [4, 6]]: mean 3, var 5
    t = torch.tensor([[[[0., 2.], [4., 6.]]]])
    expected = ((torch.tensor([[[[0., 2.], [4., 6.]]]]) - 3.) / math.sqrt(5 + 1e-6)).pow(2).mean()
    single = FeatureRestorationHead(in_channels=32, target_channels=1, num_classes=3,
                                    hidden_channels=8)
    assert torch.allclose(single.restoration_loss(torch.zeros_like(t), t), expected)
    with pytest.raises(ValueError, match='target_norm'):
        FeatureRestorationHead(in_channels=32, target_channels=2, num_classes=3,
                               target_norm='batch')


# --------------------------------------------------------------------------
# KD loss
# --------------------------------------------------------------------------
STUDENT = [[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]]
TEACHER = [[3.0, 1.0, 0.0], [0.5, -1.0, 0.0]]


def hand_kd(student, teacher, t):
    """T^2 * mean_n sum_k p_t log(p_t / p_s), from the definitions."""
    total = 0.0
    for zs, zt in zip(student, teacher):
        es = [math.exp(v / t) for v in zs]
        et = [math.exp(v / t) for v in zt]
        ps = [v / sum(es) for v in es]
        pt = [v / sum(et) for v in et]
        total += sum(a * math.log(a / b) for a, b in zip(pt, ps))
    return t * t * total / len(student)


@pytest.mark.parametrize('temperature,expected', [(2.0, 1.0369081643706899),
                                                  (1.0, 0.8425620080319903)])
def test_kd_loss_matches_hand_computed_value(temperature, expected):
    assert hand_kd(STUDENT, TEACHER, temperature) == pytest.approx(expected, abs=1e-12)
    loss = KDLoss(temperature=temperature)(torch.tensor(STUDENT), torch.tensor(TEACHER))
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    weighted = KDLoss(temperature=temperature, loss_weight=0.5)(
        torch.tensor(STUDENT), torch.tensor(TEACHER))
    assert weighted.item() == pytest.approx(0.5 * expected, rel=1e-6)
    # second row: identical logits contribute nothing
    assert KDLoss(temperature=temperature)(torch.tensor(STUDENT[1:]),
                                            torch.tensor(TEACHER[1:])).item() == 0.0


@pytest.mark.parametrize('detach_teacher', [True, False])
def test_kd_loss_teacher_gradient(detach_teacher):
    student = torch.tensor(STUDENT, requires_grad=True)
    teacher = torch.tensor(TEACHER, requires_grad=True)
    KDLoss(temperature=2.0, detach_teacher=detach_teacher)(student, teacher).backward()
    assert student.grad is not None and student.grad.abs().sum() > 0
    assert (teacher.grad is None) == detach_teacher
    with pytest.raises(ValueError, match='must both be'):
        KDLoss()(student, teacher[:, :2])


# --------------------------------------------------------------------------
# The classifier
# --------------------------------------------------------------------------
def test_loss_returns_the_four_weighted_terms_with_gradients():
    model = MODELS.build(tiny_model_cfg())
    model.train()
    data = model.data_preprocessor(batch(), training=True)
    torch.manual_seed(0)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert set(losses) == {'loss_cls', 'loss_branch_cls', 'loss_restore', 'loss_kd'}
    for key, value in losses.items():
        assert value.dim() == 0 and torch.isfinite(value), key
    sum(losses.values()).backward()
    for part in ('backbone', 'neck', 'head', 'branch'):
        grads = [p.grad for p in getattr(model, part).parameters() if p.requires_grad]
        assert any(g is not None and g.abs().sum() > 0 for g in grads), part

    # each term is scaled by its config field
    zero_kd = MODELS.build(tiny_model_cfg(
        kd_loss=dict(type='KDLoss', temperature=4.0, loss_weight=0.0)))
    zero_kd.train()
    assert zero_kd.loss(data['inputs'], data['data_samples'])['loss_kd'].item() == 0.0


def test_branch_batch_ratio_sends_only_the_first_images_through_the_branch():
    model = MODELS.build(tiny_model_cfg(branch_batch_ratio=0.5))
    model.train()
    data = model.data_preprocessor(batch(n=4), training=True)
    seen = []
    model.mask_shuffle.register_forward_hook(lambda m, args, out: seen.append(args[0]))
    torch.manual_seed(0)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert len(seen) == 1 and seen[0].shape[0] == 2  # ceil(0.5 * 4)
    assert torch.equal(seen[0], data['inputs'][:2])
    assert all(torch.isfinite(v) for v in losses.values())
    # the KD term compares the student's logits of those same two images
    student = model.head(model.neck(model.backbone(data['inputs'])))[:2]
    torch.manual_seed(0)
    corrupted, _, perm = model.mask_shuffle(data['inputs'][:2],
                                            model.backbone(data['inputs'])[-1][:2])
    with model._bn_stats_frozen():
        _, teacher = model.branch(model.backbone(corrupted), (8, 8))
    torch.testing.assert_close(losses['loss_kd'], model.kd_loss(student, teacher))
    with pytest.raises(ValueError, match='branch_batch_ratio'):
        MODELS.build(tiny_model_cfg(branch_batch_ratio=0.))
    assert 'branch_batch_ratio' not in SSKDNet.deploy_model_cfg(
        tiny_model_cfg(branch_batch_ratio=0.5))


def test_loss_keeps_backbone_bn_statistics_clean():
    model = MODELS.build(tiny_model_cfg())
    reference = copy.deepcopy(model)
    model.train()
    reference.train()
    data = model.data_preprocessor(batch(), training=True)
    model.loss(data['inputs'], data['data_samples'])
    reference.backbone(data['inputs'])  # one clean pass only
    bns = [(n, m) for n, m in model.backbone.named_modules() if isinstance(m, _BatchNorm)]
    ref = dict(reference.backbone.named_modules())
    assert bns
    for name, bn in bns:
        assert torch.equal(bn.running_mean, ref[name].running_mean), name
        assert torch.equal(bn.running_var, ref[name].running_var), name
        assert bn.num_batches_tracked.item() == 1


def test_branch_takes_the_head_class_count():
    """Like DSVA's mapping.in_channels: branch.num_classes is filled from the head
    when absent; given both, they must agree."""
    cfg = tiny_model_cfg(num_classes=7)
    del cfg['branch']['num_classes']
    model = MODELS.build(cfg)
    assert model.branch.num_classes == model.head.num_classes == 7
    assert model.branch.fc.out_features == 7
    torch.manual_seed(0)
    model.train()
    log = model.loss(model.data_preprocessor(batch(n=2, num_classes=7), True)['inputs'],
                     batch(n=2, num_classes=7)['data_samples'])
    assert torch.isfinite(log['loss_branch_cls'])
    assert MODELS.build(tiny_model_cfg(num_classes=7)).branch.num_classes == 7  # both agree
    with pytest.raises(ValueError, match=r'SSKDNet: branch.num_classes=5 but '
                       r'head.num_classes=7; the teacher branch classifies the same classes'):
        MODELS.build(tiny_model_cfg(num_classes=7, branch=dict(
            tiny_model_cfg()['branch'], num_classes=5)))


def test_predict_and_tensor_modes_never_run_the_branch():
    model = MODELS.build(tiny_model_cfg())
    calls = []
    model.branch.register_forward_hook(lambda *args: calls.append('branch'))
    model.mask_shuffle.register_forward_hook(lambda *args: calls.append('mask_shuffle'))
    model.eval()
    with torch.no_grad():
        data = model.data_preprocessor(batch(), training=False)
        preds = model(data['inputs'], data['data_samples'], mode='predict')
        logits = model(data['inputs'], mode='tensor')
    assert calls == []
    assert len(preds) == 2 and preds[0].pred_score.shape == (5, )
    assert logits.shape == (2, 5)
    model.train()
    data = model.data_preprocessor(batch(), training=True)
    model(data['inputs'], data['data_samples'], mode='loss')
    assert calls == ['mask_shuffle', 'branch']


def load_converter():
    path = osp.join(REPO, 'tools', 'model_converters', 'sskdnet_to_deploy.py')
    spec = importlib.util.spec_from_file_location('sskdnet_to_deploy', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_deploy_export_gives_identical_logits(tmp_path):
    converter = load_converter()
    cfg = Config(dict(model=tiny_model_cfg(), default_scope='rszoo'))
    model = MODELS.build(cfg.model)
    # a few training steps so BN statistics and the gate are not at their init
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.05))
    model.train()
    for seed in range(2):
        model.train_step(batch(seed=seed), optim)
    in_path = tmp_path / 'sskdnet.pth'
    torch.save({'state_dict': model.state_dict(),
                'meta': {'cfg': cfg.pretty_text, 'dataset_meta': {'classes': tuple('abcde')}}},
               in_path)
    out_path = tmp_path / 'deploy.pth'
    out_config = converter.convert(str(in_path), str(out_path))
    assert out_config == str(tmp_path / 'deploy.py')

    exported = torch.load(out_path, map_location='cpu', weights_only=True)
    assert not any(k.startswith('branch.') for k in exported['state_dict'])
    assert exported['meta']['dataset_meta'] == {'classes': tuple('abcde')}
    deploy_cfg = Config.fromfile(out_config)
    assert deploy_cfg.model.type == 'ImageClassifier'
    assert not set(SSKDNet.TRAINING_ONLY_ARGS) & set(deploy_cfg.model)
    deploy = MODELS.build(deploy_cfg.model)
    deploy.load_state_dict(exported['state_dict'], strict=True)
    assert type(deploy).__name__ == 'ImageClassifier'

    model.eval()
    deploy.eval()
    data = model.data_preprocessor(batch(n=3, seed=5), training=False)
    with torch.no_grad():
        assert torch.equal(model(data['inputs'], mode='tensor'),
                           deploy(data['inputs'], mode='tensor'))
        full = model(data['inputs'], data['data_samples'], mode='predict')
        plain = deploy(data['inputs'], copy.deepcopy(data['data_samples']), mode='predict')
    for a, b in zip(full, plain):
        assert torch.equal(a.pred_score, b.pred_score)


def test_deploy_converter_with_config_file_and_errors(tmp_path, capsys):
    converter = load_converter()
    config = osp.join(CONFIG_DIR, 'sskdnet_resnet18_scratch_aid150-20-80_64px_40e.py')
    model = MODELS.build(Config.fromfile(config).model)
    in_path = tmp_path / 'in.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, in_path)
    out_path = tmp_path / 'out.pth'
    assert converter.main([str(in_path), str(out_path), '--config', config]) == 0
    deploy_cfg = Config.fromfile(str(tmp_path / 'out.py'))
    assert deploy_cfg.model.type == 'ImageClassifier'
    assert deploy_cfg.train_dataloader.dataset.split_file == 'splits/aid/20-80_seed0_train.txt'
    # no config in the checkpoint and none given: a clear error, exit code 1
    assert converter.main([str(in_path), str(tmp_path / 'x.pth')]) == 1
    assert 'pass --config' in capsys.readouterr().err


# --------------------------------------------------------------------------
# Configs and metafile
# --------------------------------------------------------------------------
SSKDNET_CONFIGS = sorted(glob.glob(osp.join(CONFIG_DIR, '*.py')))


def test_every_config_is_listed_in_the_metafile():
    with open(osp.join(CONFIG_DIR, 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    (collection, ) = meta['Collections']
    assert collection['Name'] == 'SSKDNet' and collection['Status'] == 'done'
    listed = {m['Config'] for m in meta['Models']}
    assert listed == {osp.relpath(p, REPO) for p in SSKDNET_CONFIGS}
    measured = {'sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_10e'}
    for entry in meta['Models']:
        assert entry['In Collection'] == 'SSKDNet'
        assert 'Weights' not in entry  # nothing is published (no URL)
        assert entry['Name'] == osp.splitext(osp.basename(entry['Config']))[0]
        if entry['Name'] not in measured:
            assert entry['Results'] is None, entry['Name']
            continue
        # the README's 3-seed mean: the per-seed values average to the reported one
        metrics = entry['Results'][0]['Metrics']
        per_seed = metrics['Top 1 Accuracy (per seed)']
        assert len(per_seed) == 3
        assert abs(sum(per_seed) / 3 - metrics['Top 1 Accuracy']) < 0.01
        assert '82.64 ± 5.60' in open(osp.join(CONFIG_DIR, 'README.md')).read()


@pytest.mark.parametrize('path', SSKDNET_CONFIGS, ids=osp.basename)
def test_config_builds_with_consistent_class_counts(path):
    cfg = Config.fromfile(path)
    assert cfg.model.type == 'SSKDNet'
    classes = DATASETS.get(cfg.train_dataloader.dataset.type).METAINFO['classes']
    for part in (cfg.model.head, cfg.model.data_preprocessor):
        assert part.num_classes == len(classes)
    # the class count is stated once: the branch takes the head's, no top-level variable
    assert 'num_classes' not in cfg.model.branch and 'num_classes' not in cfg
    assert cfg.train_dataloader.dataset.split_file.endswith('_seed0_train.txt')
    assert cfg.val_dataloader.dataset.split_file.endswith('_seed0_test.txt')
    model = MODELS.build(cfg.model)
    assert isinstance(model, SSKDNet)
    assert model.branch.num_classes == model.head.num_classes == len(classes)


@pytest.mark.parametrize('name', sorted(AID150_PAIRS))
def test_aid150_config_matches_its_baseline(name):
    """Same split, input size, batch, augmentation, optimiser, schedule, epochs,
    preprocessing and backbone weights as the baseline: only the model differs."""
    ours = Config.fromfile(osp.join(CONFIG_DIR, name))
    base = Config.fromfile(osp.join(REPO, 'configs', 'baseline', AID150_PAIRS[name]))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader', 'val_evaluator',
                'optim_wrapper', 'param_scheduler', 'train_cfg', 'randomness',
                'auto_scale_lr', 'default_hooks'):
        assert ours.get(key) == base.get(key), key
    assert ours.model.data_preprocessor == base.model.data_preprocessor
    for key in ('type', 'arch', 'depth', 'init_cfg'):
        assert ours.model.backbone.get(key) == base.model.backbone.get(key), key


@pytest.mark.parametrize('name', [
    'sskdnet_resnet18_scratch_aid150-20-80_64px_40e.py',
    'sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_20e.py',
])
def test_config_runs_one_train_step_at_64px(name):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name))
    model = MODELS.build(cfg.model)  # no init_weights: nothing is loaded
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    before = {k: v.clone() for k, v in model.head.state_dict().items()}
    model.train()
    torch.manual_seed(0)
    log = model.train_step(batch(n=2, size=64, num_classes=30), optim)
    assert {'loss', 'loss_cls', 'loss_branch_cls', 'loss_restore', 'loss_kd'} <= set(log)
    assert all(torch.isfinite(v) for v in log.values())
    after = model.head.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_train_tool_with_the_aid150_config_lowers_the_loss(tmp_path, aid_root):
    """tools/train.py with the AID-150px SSKDNet config (ImageNet EfficientNet-Lite0,
    every SSKDNet part) on the tiny real split: 120 training images at 64 px,
    4 epochs; the student's classification loss falls."""
    import json
    import subprocess
    import sys
    work_dir = tmp_path / 'work'
    out = subprocess.run(
        [sys.executable, 'tools/train.py', 'tests/configs/tiny_sskdnet_aid150.py',
         '--work-dir', str(work_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    scalars = next(work_dir.glob('*/vis_data/scalars.json'))
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    first = [r['loss_cls'] for r in records if 'loss_cls' in r and r['epoch'] == 1]
    last = [r['loss_cls'] for r in records if 'loss_cls' in r and r['epoch'] == 4]
    assert sum(last) / len(last) < sum(first) / len(first)
    assert any('loss_kd' in r and 'loss_restore' in r for r in records)
    assert [r for r in records if 'accuracy/top1' in r]
