"""SwiMDiff (Tian et al., arXiv 2401.05093, IEEE TGRS 62, 2024): scene-wide
matching, the queue of keys with scene ids, the diffusion constraint, scene ids
from data, scene-grouped sampling, the configs under ``configs/swimdiff/`` and
loading a pre-trained backbone into the linear-probe classifier.

Registered components checked here: ``SwiMDiff``, ``MultiPositiveContrastiveHead``,
``ConditionalDenoiserHead``, ``DDPMSchedule``, ``SceneTileDataset``,
``SceneGroupedSampler``.

Tiny tensors only (ResNet-18 with 8 base channels at 32 px, queue of 16); the
one real-data test reads two AID-150px images and skips when they are absent.
"""
import copy
import importlib.util
import math
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import yaml
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample
from PIL import Image

from rszoo.datasets import SceneTileDataset, build_scene_ids
from rszoo.datasets.samplers import SceneGroupedSampler
from rszoo.datasets.selfsup.scene_ids import read_scene_mapping
from rszoo.models.heads import ConditionalDenoiserHead, MultiPositiveContrastiveHead
from rszoo.models.selfsup import SwiMDiff
from rszoo.models.utils import DDPMSchedule
from rszoo.registry import DATA_SAMPLERS, DATASETS, MODELS
from rszoo.utils import register_all_modules

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_DIR = osp.join(REPO, 'configs', 'swimdiff')
PRETRAIN_CONFIGS = ('swimdiff_resnet18_aid150_64px_20e.py', 'mocov2_resnet18_aid150_64px_20e.py')
PROBE_CONFIG = osp.join(CONFIG_DIR, 'linear-probe_resnet18_aid150-20-80_64px.py')
FINETUNE_CONFIG = osp.join(CONFIG_DIR, 'finetune_resnet18_aid150-20-80_64px.py')


@pytest.fixture(autouse=True, scope='module')
def _single_thread_and_registry():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    register_all_modules()
    yield
    torch.set_num_threads(threads)


def tiny_cfg(**overrides):
    """SwiMDiff with a ResNet-18 of 8/16/32/64 channels, 16-d keys, a queue of 16."""
    cfg = dict(
        type='SwiMDiff',
        data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=[127.5] * 3,
                               std=[127.5] * 3, to_rgb=True),
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      out_indices=(3, ), zero_init_residual=False),
        neck=dict(type='MoCoV2Neck', in_channels=64, hid_channels=32, out_channels=16),
        head=dict(type='MultiPositiveContrastiveHead', temperature=0.2),
        diffusion_head=dict(type='ConditionalDenoiserHead', cond_channels=64, base_channels=4,
                            channel_mults=(1, 2), emb_dim=16,
                            schedule=dict(type='DDPMSchedule', num_timesteps=50,
                                          beta_start=1e-3, beta_end=0.05)),
        queue_len=16, feat_dim=16, momentum=0.5, scene_matching='mask')
    cfg.update(overrides)
    return cfg


def two_view_batch(n=4, size=32, scenes=(0, 0, 1, 2), seed=0):
    gen = torch.Generator().manual_seed(seed)
    views = [torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=gen)
             for _ in range(2)]
    samples = []
    for i in range(n):
        sample = DataSample()
        sample.set_field(int(scenes[i]), 'scene_id')
        samples.append(sample)
    return dict(inputs=views, data_samples=samples)


# --------------------------------------------------------------------------
# DDPM schedule and the denoiser
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# The multi-positive InfoNCE head
# --------------------------------------------------------------------------
def test_multi_positive_infonce_matches_the_formula_by_hand():
    head = MultiPositiveContrastiveHead(temperature=0.5)
    logits = torch.tensor([[0.9, 0.2, 0.6, -0.3], [0.4, 0.8, -0.1, 0.0]])
    pos = torch.tensor([[True, False, True, False], [True, False, False, False]])
    valid = torch.tensor([[True, True, True, True], [True, False, True, True]])
    e = [[math.exp(v / 0.5) for v in row] for row in logits.tolist()]
    l0 = -math.log(((e[0][0] + e[0][2]) / 2) / sum(e[0]))
    l1 = -math.log(e[1][0] / (e[1][0] + e[1][2] + e[1][3]))
    assert head.loss(logits, pos, valid).item() == pytest.approx((l0 + l1) / 2, rel=1e-6)
    # no masks: MoCo's InfoNCE = mmpretrain's ContrastiveHead
    moco = MODELS.build(dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'),
                             temperature=0.5))
    torch.testing.assert_close(head.loss(logits), moco.loss(logits[:, :1], logits[:, 1:]))
    with pytest.raises(ValueError, match='within valid_mask'):
        head.loss(logits, pos, valid & torch.tensor([True, True, False, True]))
    with pytest.raises(ValueError, match='column 0'):
        head.loss(logits, pos & torch.tensor([False, True, True, True]), valid)


# --------------------------------------------------------------------------
# Scene-wide matching on a hand-made batch
# --------------------------------------------------------------------------
def unit(deg):
    return [math.cos(math.radians(deg)), math.sin(math.radians(deg))]


# 4 queries in 2-D, scenes 0, 0, 1, 2; keys; a queue of 4 keys with scenes 1, -1, 0, 2
Q_DEG, K_DEG, U_DEG = [0, 40, 100, 200], [10, 30, 120, 170], [20, 60, 90, 250]
SCENES, QUEUE_SCENES = [0, 0, 1, 2], [1, -1, 0, 2]
TAU = 0.2


def hand_loss(mode, batch_negatives):
    """The paper's recalibration written out per query from the definitions."""
    total = 0.0
    for i in range(4):
        q = unit(Q_DEG[i])

        def sim(deg):
            v = unit(deg)
            return math.exp((q[0] * v[0] + q[1] * v[1]) / TAU)

        # (similarity, same scene as query i) for every candidate but the own key
        others = [(sim(K_DEG[j]), SCENES[j] == SCENES[i]) for j in range(4)
                  if batch_negatives and j != i]
        others += [(sim(U_DEG[j]), QUEUE_SCENES[j] == SCENES[i]) for j in range(4)]
        own = sim(K_DEG[i])
        if mode == 'none':
            loss = -math.log(own / (own + sum(s for s, _ in others)))
        elif mode == 'mask':  # same-scene candidates are not negatives
            loss = -math.log(own / (own + sum(s for s, same in others if not same)))
        else:  # 'positive': same-scene candidates are extra positives
            positives = [own] + [s for s, same in others if same]
            loss = -math.log((sum(positives) / len(positives)) /
                             (own + sum(s for s, _ in others)))
        total += loss
    return total / 4


def hand_model(mode, batch_negatives):
    model = MODELS.build(tiny_cfg(feat_dim=2, queue_len=4, scene_matching=mode,
                                  batch_negatives=batch_negatives,
                                  head=dict(type='MultiPositiveContrastiveHead',
                                            temperature=TAU),
                                  neck=dict(type='MoCoV2Neck', in_channels=64,
                                            hid_channels=8, out_channels=2)))
    model.queue.copy_(torch.tensor([unit(d) for d in U_DEG]).t())
    model.queue_scene.copy_(torch.tensor(QUEUE_SCENES))
    return model


@pytest.mark.parametrize('batch_negatives', [True, False])
@pytest.mark.parametrize('mode', ['mask', 'positive', 'none'])
def test_scene_matching_loss_equals_the_hand_computed_infonce(mode, batch_negatives):
    model = hand_model(mode, batch_negatives)
    q = torch.tensor([unit(d) for d in Q_DEG])
    k = torch.tensor([unit(d) for d in K_DEG])
    loss = model.contrastive_loss(q, k, torch.tensor(SCENES))
    assert loss.item() == pytest.approx(hand_loss(mode, batch_negatives), rel=1e-5)
    if mode != 'none':  # the recalibration changes the value on this batch
        assert abs(hand_loss(mode, batch_negatives) - hand_loss('none', batch_negatives)) > 1e-3


def test_match_masks_are_exactly_the_same_scene_candidates():
    model = hand_model('mask', batch_negatives=True)
    pos, valid = model.match_masks(torch.tensor(SCENES))
    # columns: own key | batch keys 0..3 | queue 0..3 (scenes 1, -1, 0, 2)
    T, F_ = True, False
    assert valid.tolist() == [
        [T, F_, F_, T, T, T, T, F_, T],  # query 0 (scene 0): batch key 1 and queue 2 masked
        [T, F_, F_, T, T, T, T, F_, T],  # query 1 (scene 0): batch key 0 and queue 2 masked
        [T, T, T, F_, T, F_, T, T, T],   # query 2 (scene 1): queue 0 masked
        [T, T, T, T, F_, T, T, T, F_],   # query 3 (scene 2): queue 3 masked
    ]
    assert pos[:, 0].all() and not pos[:, 1:].any()
    model.scene_matching = 'positive'
    pos, valid = model.match_masks(torch.tensor(SCENES))
    assert pos.tolist()[0] == [T, F_, T, F_, F_, F_, F_, T, F_]
    assert pos.tolist()[2] == [T, F_, F_, F_, F_, T, F_, F_, F_]
    # only the own key's second appearance (the batch diagonal) is left out
    assert (~valid).nonzero().tolist() == [[0, 1], [1, 2], [2, 3], [3, 4]]
    # scene -1 (unknown) matches nothing, not even another -1
    assert not model.match_masks(torch.tensor([-1, -1, -1, -1]))[0][:, 1:].any()


def test_none_without_batch_negatives_is_mmpretrains_moco_v2_loss():
    model = hand_model('none', batch_negatives=False)
    q = torch.tensor([unit(d) for d in Q_DEG])
    k = torch.tensor([unit(d) for d in K_DEG])
    moco = MODELS.build(dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'),
                             temperature=TAU))
    expected = moco.loss((q * k).sum(1, keepdim=True), q @ model.queue)
    torch.testing.assert_close(model.contrastive_loss(q, k, torch.tensor(SCENES)), expected)


# --------------------------------------------------------------------------
# The queue
# --------------------------------------------------------------------------
def test_queue_stores_scene_ids_and_wraps_around():
    model = MODELS.build(tiny_cfg())
    assert isinstance(model, SwiMDiff)
    assert model.queue.shape == (16, 16) and (model.queue_scene == -1).all()
    torch.testing.assert_close(model.queue.norm(dim=0), torch.ones(16))
    batches = []
    for step in range(3):  # 3 x 6 keys into 16 slots: the third batch wraps
        keys = F.normalize(torch.randn(6, 16), dim=1)
        scenes = torch.arange(6) + 100 * step
        model._dequeue_and_enqueue(keys, scenes)
        batches.append((keys, scenes))
    assert int(model.queue_ptr) == 18 % 16
    # slot -> (batch, row): batch 0 went to 0-5, batch 1 to 6-11, batch 2 to 12-15
    # and, wrapping, 0-1 (overwriting the oldest entries)
    owner = [(2, 4), (2, 5)] + [(0, r) for r in range(2, 6)] + [(1, r) for r in range(6)] + [
        (2, r) for r in range(4)]
    for slot, (b, row) in enumerate(owner):
        keys, scenes = batches[b]
        torch.testing.assert_close(model.queue[:, slot], keys[row])
        assert int(model.queue_scene[slot]) == int(scenes[row])
    assert model.queue_scene.tolist() == [204, 205, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105,
                                          200, 201, 202, 203]
    with pytest.raises(ValueError, match='exceeds queue_len=16'):
        model._dequeue_and_enqueue(torch.zeros(17, 16), torch.zeros(17, dtype=torch.long))
    # a training step enqueues its keys with the batch's scene ids
    model.train()
    data = model.data_preprocessor(two_view_batch(scenes=(7, 7, 8, 9)), training=True)
    model.loss(data['inputs'], data['data_samples'])
    assert model.queue_scene[2:6].tolist() == [7, 7, 8, 9] and int(model.queue_ptr) == 6


def test_missing_scene_ids_are_a_clear_error_unless_matching_is_off():
    model = MODELS.build(tiny_cfg())
    data = model.data_preprocessor(two_view_batch(), training=True)
    samples = [DataSample() for _ in range(4)]
    with pytest.raises(ValueError, match=r"scene_matching='mask' needs a scene id"):
        model.loss(data['inputs'], samples)
    plain = MODELS.build(tiny_cfg(scene_matching='none'))
    losses = plain.loss(data['inputs'], samples)
    assert torch.isfinite(losses['loss_contrastive'])
    assert (plain.queue_scene[:4] == -1).all()
    with pytest.raises(ValueError, match='scene_matching must be one of'):
        MODELS.build(tiny_cfg(scene_matching='soft'))


# --------------------------------------------------------------------------
# The diffusion constraint trains the encoder; training lowers the loss
# --------------------------------------------------------------------------
def test_diffusion_loss_gradients_reach_the_backbone():
    model = MODELS.build(tiny_cfg(lambda_c=0.0, lambda_d=2.0))
    model.train()
    data = model.data_preprocessor(two_view_batch(), training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert set(losses) == {'loss_contrastive', 'loss_diffusion'}
    assert losses['loss_contrastive'].item() == 0.0
    sum(losses.values()).backward()
    # only L_D carries gradient: it reaches every backbone stage, not the neck
    for stage in ('conv1', 'layer1', 'layer4'):
        grads = [p.grad for p in getattr(model.backbone, stage).parameters()]
        assert any(g is not None and g.abs().sum() > 0 for g in grads), stage
    assert all(p.grad is None or p.grad.abs().sum() == 0 for p in model.neck.parameters())
    assert all(p.grad is None for p in model.encoder_k.parameters())
    # lambda_d = 0: the denoiser is neither built nor run
    off = MODELS.build(tiny_cfg(lambda_d=0.0))
    assert off.diffusion_head is None
    assert set(off.loss(data['inputs'], data['data_samples'])) == {'loss_contrastive'}


def probe_loss(model, data, queue):
    """The loss of a copy of the model with a fixed queue and fixed randomness."""
    probe = copy.deepcopy(model)
    probe.queue.copy_(queue)
    probe.queue_scene.fill_(-1)
    probe.queue_ptr.zero_()
    torch.manual_seed(123)
    with torch.no_grad():
        losses = probe.loss(data['inputs'], data['data_samples'])
    return sum(v.item() for v in losses.values())


@pytest.mark.parametrize('mode', ['mask', 'positive'])
def test_train_steps_lower_the_loss_on_a_fixed_batch(mode):
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg(scene_matching=mode))
    model.train()
    raw = two_view_batch(n=8, scenes=(0, 0, 1, 1, 2, 3, 4, 5))
    data = model.data_preprocessor(copy.deepcopy(raw), training=True)
    queue = model.queue.clone()
    before = probe_loss(model, data, queue)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    logs = []
    for _ in range(20):
        torch.manual_seed(0)  # the same timesteps and noise every step
        logs.append(model.train_step(copy.deepcopy(raw), optim))
    assert all(set(log) == {'loss', 'loss_contrastive', 'loss_diffusion'} for log in logs)
    assert all(torch.isfinite(log['loss']) for log in logs)
    # the same objective (fixed queue, fixed randomness) before and after training
    after = probe_loss(model, data, queue)
    assert after < before - 0.1, (before, after)


# --------------------------------------------------------------------------
# Scene ids from data
# --------------------------------------------------------------------------
def test_scene_ids_from_regex_mapping_geo_and_per_image(tmp_path):
    root = str(tmp_path)
    paths = [osp.join(root, p) for p in ('a/s1_r0_c0.png', 'a/s1_r0_c1.png', 'b/s2_r3_c1.png',
                                          'b/s1_r9_c9.png')]
    ids, names = build_scene_ids(paths, 'regex', root=root, pattern=r'(?P<scene>s\d+)_r\d+')
    assert ids.tolist() == [0, 0, 1, 0] and names == ['s1', 's2']
    ids, names = build_scene_ids(paths, 'regex', root=root, pattern=r'^(\w)/')  # folder
    assert ids.tolist() == [0, 0, 1, 1] and names == ['a', 'b']
    with pytest.raises(ValueError, match="does not match 'a/s1_r0_c0.png'"):
        build_scene_ids(paths, 'regex', root=root, pattern=r'tile_\d+')
    assert build_scene_ids(paths, 'image', root=root)[0].tolist() == [0, 1, 2, 3]

    mapping = tmp_path / 'scenes.csv'
    mapping.write_text('path,scene\n# comment\na/s1_r0_c0.png,north\na/s1_r0_c1.png,north\n'
                       'b/s2_r3_c1.png,south\nb/s1_r9_c9.png,east\n')
    assert read_scene_mapping(str(mapping))['b/s2_r3_c1.png'] == 'south'
    ids, names = build_scene_ids(paths, 'mapping', root=root, mapping_file=str(mapping))
    assert ids.tolist() == [0, 0, 1, 2] and names == ['north', 'south', 'east']
    with pytest.raises(ValueError, match="not in the mapping file"):
        build_scene_ids(paths + [osp.join(root, 'c/x.png')], 'mapping', root=root,
                        mapping_file=str(mapping))

    geo = tmp_path / 'geo.csv'
    geo.write_text('path,x,y\na/s1_r0_c0.png,10,10\na/s1_r0_c1.png,90,40\n'
                   'b/s2_r3_c1.png,110,10\nb/s1_r9_c9.png,-5,10\n')
    ids, names = build_scene_ids(paths, 'geo', root=root, geo_index=str(geo), cell_size=100)
    assert ids.tolist() == [0, 0, 1, 2] and names == ['0_0', '1_0', '-1_0']
    with pytest.raises(ValueError, match='cell_size > 0'):
        build_scene_ids(paths, 'geo', root=root, geo_index=str(geo), cell_size=0)


def write_folder_dataset(root, sizes=((20, 30), (20, 30), (20, 30))):
    """Class folders a/ (2 images) and b/ (1 image) of distinct random pixels."""
    rng = np.random.default_rng(0)
    arrays = []
    for i, (h, w) in enumerate(sizes):
        folder = root / ('a' if i < 2 else 'b')
        folder.mkdir(exist_ok=True)
        array = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        Image.fromarray(array).save(folder / f'img{i}.png')
        arrays.append(array)
    return arrays


def test_scene_tile_dataset_tiles_and_packs_the_scene_id(tmp_path):
    arrays = write_folder_dataset(tmp_path)
    dataset = DATASETS.build(dict(
        type='SceneTileDataset',
        dataset=dict(type='RSSceneDataset', data_root=str(tmp_path),
                     pipeline=[dict(type='LoadRSImage')]),
        tile_grid=(2, 2), tile_size=12,
        pipeline=[dict(type='PackInputs', algorithm_keys=('scene_id', ),
                       meta_keys=('sample_idx', 'tile_index', 'source_index'))]))
    assert isinstance(dataset, SceneTileDataset)
    assert len(dataset) == 12 and dataset.num_scenes == 3
    assert dataset.get_scene_ids().tolist() == [0] * 4 + [1] * 4 + [2] * 4
    # 20 x 30 image, 12-px tiles on a 2 x 2 grid: rows start at 0 and 8, columns at 0 and 18
    assert [dataset.tile_box(t, 20, 30) for t in range(4)] == [
        (0, 0, 12, 12), (18, 0, 30, 12), (0, 8, 12, 20), (18, 8, 30, 20)]
    out = dataset[5]  # image 1, tile 1 (top right)
    bgr = arrays[1][:, :, ::-1]  # LoadRSImage gives mmcv's BGR order
    expected = torch.from_numpy(np.ascontiguousarray(bgr[0:12, 18:30])).permute(2, 0, 1)
    assert torch.equal(out['inputs'], expected)
    sample = out['data_samples']
    assert sample.scene_id == 1 and sample.tile_index == 1 and sample.source_index == 1
    assert sample.sample_idx == 5
    info = dataset.get_data_info(11)
    assert info['scene_id'] == 2 and info['tile_index'] == 3 and 'img' not in info
    with pytest.raises(ValueError, match='needs a tile_size'):
        SceneTileDataset(dataset=dataset.dataset, tile_grid=(2, 2))
    with pytest.raises(ValueError, match='scene_source must be one of'):
        SceneTileDataset(dataset=dataset.dataset, scene_source='gps')


def test_scene_grouped_sampler_keeps_scenes_together(tmp_path):
    write_folder_dataset(tmp_path)
    dataset = SceneTileDataset(
        dataset=dict(type='RSSceneDataset', data_root=str(tmp_path),
                     pipeline=[dict(type='LoadRSImage')]),
        tile_grid=(2, 2), tile_size=12)
    sampler = DATA_SAMPLERS.build(dict(type='SceneGroupedSampler', dataset=dataset, seed=3))
    assert isinstance(sampler, SceneGroupedSampler)
    scenes = dataset.get_scene_ids()
    orders = []
    for epoch in range(4):
        sampler.set_epoch(epoch)
        order = list(sampler)
        assert len(order) == len(sampler) == 12 and sorted(order) == list(range(12))
        blocks = [set(scenes[order[b:b + 4]].tolist()) for b in range(0, 12, 4)]
        assert all(len(block) == 1 for block in blocks)  # every block of 4 is one scene
        orders.append(order)
    assert len({tuple(o) for o in orders}) > 1  # reshuffled across epochs
    sampler.set_epoch(2)
    assert list(sampler) == orders[2]  # a function of (seed, epoch): exact resume
    capped = SceneGroupedSampler(dataset, max_per_scene=2, seed=0)
    assert len(capped) == 6 and len(set(scenes[list(capped)].tolist())) == 3
    # two ranks: disjoint scenes, equal lengths
    halves = []
    for rank in (0, 1):
        part = SceneGroupedSampler(dataset, seed=0)
        part.rank, part.world_size, part.num_samples = rank, 2, 6
        halves.append(list(part))
    assert len(halves[0]) == len(halves[1]) == 6
    assert not set(scenes[halves[0][:4]]) & set(scenes[halves[1][:4]])
    with pytest.raises(TypeError, match='no get_scene_ids'):
        SceneGroupedSampler(dataset.dataset)


def test_aid150_selfsup_pipeline_gives_two_views_with_scene_ids(aid_root):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, PRETRAIN_CONFIGS[0]))
    ds_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    ds_cfg.dataset.data_root = str(aid_root)
    ds_cfg.dataset.preload = False
    dataset = DATASETS.build(ds_cfg)
    assert len(dataset) == 4 * 2000 and dataset.num_scenes == 2000
    batch = default_collate([dataset[0], dataset[3], dataset[4]])
    views = batch['inputs']
    assert len(views) == 2 and all(v.shape == (3, 3, 64, 64) for v in views)
    assert [s.scene_id for s in batch['data_samples']] == [0, 0, 1]
    model = MODELS.build(cfg.model)
    data = model.data_preprocessor(batch, training=True)
    assert data['inputs'][0].dtype == torch.float32
    assert abs(data['inputs'][0].mean().item()) < 2.0


# --------------------------------------------------------------------------
# Configs, the pre-trained backbone in the linear-probe classifier, the tool
# --------------------------------------------------------------------------
def test_pretraining_configs_share_data_backbone_and_budget():
    ours, base = (Config.fromfile(osp.join(CONFIG_DIR, name)) for name in PRETRAIN_CONFIGS)
    assert ours.model.type == 'SwiMDiff' and base.model.type == 'MoCo'
    for key in ('train_dataloader', 'optim_wrapper', 'param_scheduler', 'train_cfg',
                'randomness', 'auto_scale_lr', 'default_hooks'):
        assert ours.get(key) == base.get(key), key
    for key in ('backbone', 'neck', 'data_preprocessor', 'queue_len', 'feat_dim', 'momentum'):
        assert ours.model.get(key) == base.model.get(key), key
    assert ours.model.head.temperature == base.model.head.temperature == 0.2
    assert ours.model.scene_matching == 'mask' and ours.model.batch_negatives
    assert ours.train_dataloader.dataset.type == 'SceneTileDataset'
    assert ours.train_dataloader.sampler.type == 'SceneGroupedSampler'
    assert ours.train_dataloader.batch_size % 4 == 0  # whole scenes of 4 tiles per batch
    assert ours.model.queue_len % ours.train_dataloader.batch_size == 0  # mmpretrain's MoCo


def test_swimdiff_config_runs_a_train_step_at_64px():
    cfg = Config.fromfile(osp.join(CONFIG_DIR, PRETRAIN_CONFIGS[0]))
    model = MODELS.build(cfg.model)
    assert isinstance(model.diffusion_head, ConditionalDenoiserHead)
    assert isinstance(model.head, MultiPositiveContrastiveHead)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    model.train()
    torch.manual_seed(0)
    log = model.train_step(two_view_batch(n=4, size=64), optim)
    assert {'loss', 'loss_contrastive', 'loss_diffusion'} <= set(log)
    assert all(torch.isfinite(v) for v in log.values())
    assert model.queue_scene[:4].tolist() == [0, 0, 1, 2]


def tiny_probe_model_cfg(config, checkpoint):
    cfg = Config.fromfile(config)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.backbone.update(base_channels=8, stem_channels=8)
    model_cfg.backbone.init_cfg.checkpoint = str(checkpoint)
    model_cfg.neck[1].input_features = 64
    model_cfg.head.in_channels = 64
    return cfg, model_cfg


def test_checkpoint_loads_into_the_linear_probe_with_only_backbone_keys(tmp_path):
    torch.manual_seed(0)
    pretrain = MODELS.build(tiny_cfg())
    for p in pretrain.backbone.parameters():  # weights no random init would give
        p.data.uniform_(-1, 1)
    checkpoint = tmp_path / 'swimdiff.pth'
    torch.save({'state_dict': pretrain.state_dict(), 'meta': {'epoch': 1}}, checkpoint)

    cfg, model_cfg = tiny_probe_model_cfg(PROBE_CONFIG, checkpoint)
    assert cfg.model.backbone.init_cfg == dict(
        type='Pretrained', prefix='backbone.',
        checkpoint='work_dirs/swimdiff_resnet18_aid150_64px_20e/epoch_20.pth')
    assert cfg.model.backbone.frozen_stages == 4
    probe = MODELS.build(model_cfg)
    probe.init_weights()
    loaded = probe.backbone.state_dict()
    source = {k[len('backbone.'):]: v for k, v in pretrain.state_dict().items()
              if k.startswith('backbone.')}
    assert set(loaded) == set(source)
    for key, value in source.items():
        assert torch.equal(loaded[key], value), key
    # the checkpoint also holds the training-only parts, which the prefix leaves out
    prefixes = {k.split('.', 1)[0] for k in pretrain.state_dict()}
    assert {'encoder_k', 'neck', 'diffusion_head', 'queue', 'queue_scene'} <= prefixes
    # frozen: no backbone parameter trains, BatchNorm stays in eval mode
    probe.train()
    assert not any(p.requires_grad for p in probe.backbone.parameters())
    assert not probe.backbone.layer4.training
    assert all(p.requires_grad for p in probe.head.parameters())
    with torch.no_grad():
        assert probe(torch.randn(2, 3, 64, 64)).shape == (2, 30)

    # random init (the third row of the comparison): `--cfg-options model.backbone.init_cfg=None`
    from rszoo.utils.config_utils import merge_cfg_options
    random_cfg = merge_cfg_options(Config.fromfile(PROBE_CONFIG),
                                   {'model.backbone.init_cfg': None})
    assert random_cfg.model.backbone.init_cfg is None
    random_model_cfg = copy.deepcopy(random_cfg.model)
    random_model_cfg.backbone.update(base_channels=8, stem_channels=8)
    random_model_cfg.neck[1].input_features = 64
    random_model_cfg.head.in_channels = 64
    random_init = MODELS.build(random_model_cfg)
    random_init.init_weights()
    assert not torch.equal(random_init.backbone.conv1.weight, pretrain.backbone.conv1.weight)

    # the fine-tuning switch: same loading, every backbone parameter trains
    cfg_ft, model_cfg_ft = tiny_probe_model_cfg(FINETUNE_CONFIG, checkpoint)
    assert cfg_ft.model.backbone.frozen_stages == -1
    for key in ('train_dataloader', 'val_dataloader', 'optim_wrapper', 'param_scheduler',
                'train_cfg'):
        assert cfg_ft.get(key) == cfg.get(key), key
    finetune = MODELS.build(model_cfg_ft)
    finetune.init_weights()
    assert torch.equal(finetune.backbone.conv1.weight, pretrain.backbone.conv1.weight)
    finetune.train()
    assert all(p.requires_grad for p in finetune.backbone.parameters())
    assert finetune.backbone.layer4.training

    # the backbone-only export loads the same way
    tool_path = osp.join(REPO, 'tools', 'model_converters', 'extract_backbone.py')
    spec = importlib.util.spec_from_file_location('extract_backbone', tool_path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    small = tmp_path / 'backbone.pth'
    assert tool.main([str(checkpoint), str(small)]) == 0
    exported = torch.load(small, weights_only=True)['state_dict']
    assert set(exported) == {f'backbone.{k}' for k in source}
    _, model_cfg_small = tiny_probe_model_cfg(PROBE_CONFIG, small)
    again = MODELS.build(model_cfg_small)
    again.init_weights()
    assert torch.equal(again.backbone.layer4[1].conv2.weight,
                       pretrain.backbone.layer4[1].conv2.weight)
    assert tool.main([str(checkpoint), str(tmp_path / 'x.pth'), '--prefix', 'trunk.']) == 1


def test_metafile_and_model_index():
    with open(osp.join(CONFIG_DIR, 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    (collection, ) = meta['Collections']
    assert collection['Name'] == 'SwiMDiff' and collection['Status'] == 'done'
    assert collection['Paper']['URL'] == 'https://arxiv.org/abs/2401.05093'
    for entry in meta['Models']:
        assert entry['In Collection'] == 'SwiMDiff'
        assert 'Weights' not in entry  # checkpoints are not published
        (result, ) = entry['Results']
        assert 'linear probe' in result['Dataset']
        assert 0 < result['Metrics']['Top 1 Accuracy'] < 100
        assert osp.isfile(osp.join(REPO, entry['Config']))
        assert entry['Name'] == osp.splitext(osp.basename(entry['Config']))[0]
    with open(osp.join(REPO, 'model-index.yml')) as f:
        assert 'configs/swimdiff/metafile.yml' in yaml.safe_load(f)['Import']
    with open(osp.join(REPO, 'configs', 'planned-methods.yml')) as f:
        planned = yaml.safe_load(f)['Collections']
    assert 'SwiMDiff' not in {c['Name'] for c in planned}


# --------------------------------------------------------------------------
# The commands of configs/swimdiff/README.md, on 120 real images (~35 s: in the
# default suite; skipped without ../shared/data)
# --------------------------------------------------------------------------
def test_tools_train_pretrains_then_probes_the_backbone(aid_root, tmp_path):
    import json
    import subprocess
    import sys

    def train(*args):
        out = subprocess.run([sys.executable, 'tools/train.py', *args], cwd=REPO,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
        return out

    pre = tmp_path / 'pre'
    train('tests/configs/tiny_swimdiff_aid150.py', '--work-dir', str(pre))
    records = [json.loads(line) for line in
               next(pre.glob('*/vis_data/scalars.json')).read_text().splitlines()]
    records = [r for r in records if 'loss_diffusion' in r]
    assert len(records) == 2 * 15  # 480 tiles / 32 per batch, 2 epochs
    first, last = records[:5], records[-5:]
    mean = lambda rs, k: sum(r[k] for r in rs) / len(rs)  # noqa: E731
    assert mean(last, 'loss_diffusion') < mean(first, 'loss_diffusion')
    checkpoint = torch.load(pre / 'epoch_2.pth', weights_only=True)
    state = checkpoint['state_dict']
    assert (state['queue_scene'] >= 0).all()  # 64 queued keys, each with its scene id

    probe = tmp_path / 'probe'
    out = train(PROBE_CONFIG, '--work-dir', str(probe), '--cfg-options',
                f'model.backbone.init_cfg.checkpoint={pre / "epoch_2.pth"}',
                '+model.backbone.base_channels=16', '+model.backbone.stem_channels=16',
                'model.neck.1.input_features=128', 'model.head.in_channels=128',
                'train_dataloader.dataset.split_file=tests/data/splits/aid_tiny_train.txt',
                'val_dataloader.dataset.split_file=tests/data/splits/aid_tiny_test.txt',
                'test_dataloader.dataset.split_file=tests/data/splits/aid_tiny_test.txt',
                'train_cfg.max_epochs=2', 'train_cfg.val_interval=2',
                'param_scheduler.1.T_max=1')
    assert 'rszoo: OA = ' in out.stdout
    probed = torch.load(probe / 'epoch_2.pth', weights_only=True)['state_dict']
    for key in ('backbone.conv1.weight', 'backbone.layer4.1.conv2.weight'):
        assert torch.equal(probed[key], state[key]), key  # loaded, then frozen
