"""SwiMDiff (Tian et al., arXiv 2401.05093, IEEE TGRS 62, 2024), the algorithm
(``rszoo.models.selfsup.SwiMDiff``): scene-wide matching against hand-computed InfoNCE,
the queue of keys with scene ids, the diffusion constraint reaching the encoder, and
training steps lowering the loss.

Tiny tensors only (ResNet-18 with 8 base channels at 32 px, queue of 16).
"""
import copy
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from rszoo.models.selfsup import SwiMDiff
from rszoo.registry import MODELS

from helpers.swimdiff import tiny_cfg, two_view_batch

pytestmark = pytest.mark.usefixtures('single_thread_registry')


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


def test_clean_target_denoises_the_third_view_and_needs_it():
    """diffusion_target='clean': the denoiser's x_0 is inputs[2] (the un-jittered tile),
    conditioned on the query's backbone map; two views only are a clear error."""
    model = MODELS.build(tiny_cfg(diffusion_target='clean'))
    model.train()
    raw = two_view_batch()
    raw['inputs'].append(torch.full_like(raw['inputs'][0], 128))  # a flat grey tile
    data = model.data_preprocessor(raw, training=True)
    seen = []
    denoiser_loss = model.diffusion_head.loss

    def spy(x0, feat, **kwargs):
        seen.append((x0, feat))
        return denoiser_loss(x0, feat, **kwargs)

    model.diffusion_head.loss = spy
    losses = model.loss(data['inputs'], data['data_samples'])
    assert len(seen) == 1 and torch.equal(seen[0][0], data['inputs'][2])
    assert seen[0][1].shape == (4, 64, 1, 1) and seen[0][1].requires_grad
    assert losses['loss_diffusion'].requires_grad
    # the default target is the query view
    model.diffusion_target = 'query'
    model.loss(data['inputs'], data['data_samples'])
    assert torch.equal(seen[1][0], data['inputs'][0])
    model.diffusion_target = 'clean'
    with pytest.raises(ValueError, match=r"diffusion_target='clean' needs a third view"):
        model.loss(data['inputs'][:2], data['data_samples'])
    with pytest.raises(ValueError, match='diffusion_target must be one of'):
        MODELS.build(tiny_cfg(diffusion_target='noisy'))


def test_zeroed_condition_is_logged_without_gradient_and_not_summed():
    """log_zeroed_condition: the MSE with the condition zeroed is logged next to the MSE
    with it (same x_t, t, eps), carries no gradient and is not part of the loss."""
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg(log_zeroed_condition=True, lambda_d=2.0))
    model.train()
    data = model.data_preprocessor(two_view_batch(), training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert set(losses) == {'loss_contrastive', 'loss_diffusion', 'diffusion_mse',
                           'diffusion_mse_zeroed_condition'}
    assert losses['loss_diffusion'].item() == pytest.approx(2.0 * losses['diffusion_mse'].item())
    assert not losses['diffusion_mse_zeroed_condition'].requires_grad
    assert not losses['diffusion_mse'].requires_grad
    # the head's own pair, on fixed t and eps: the zeroed one is the forward with feat = 0
    head = model.diffusion_head
    x0 = data['inputs'][0]
    feat = torch.randn(x0.shape[0], 64, 1, 1)
    t = torch.tensor([0, 10, 20, 49])
    noise = torch.randn_like(x0)
    mse, zeroed = head.loss_with_zeroed_condition(x0, feat, t=t, noise=noise)
    assert mse.item() == pytest.approx(head.loss(x0, feat, t=t, noise=noise).item())
    assert zeroed.item() == pytest.approx(
        head.loss(x0, torch.zeros_like(feat), t=t, noise=noise).item())
    # mmengine sums only the keys holding 'loss'
    _, log_vars = model.parse_losses(losses)
    assert log_vars['loss'].item() == pytest.approx(
        losses['loss_contrastive'].item() + losses['loss_diffusion'].item(), rel=1e-6)
