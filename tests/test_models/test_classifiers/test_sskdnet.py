"""SSKDNet (Zhao et al., Remote Sensing 14(19):4813, 2022), the classifier
(``rszoo.models.classifiers.SSKDNet``): the four weighted loss terms, the branch batch
ratio, clean BatchNorm statistics, the branch's class count and the inference modes.

Tiny tensors only (batch <= 4, <= 64 px, narrow networks); nothing is downloaded.
"""
import copy

import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from rszoo.models.classifiers import SSKDNet
from rszoo.registry import MODELS

from helpers.sskdnet import batch, tiny_model_cfg

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_loss_returns_the_four_weighted_terms_with_gradients():
    model = MODELS.build(tiny_model_cfg())
    model.train()
    data = model.data_preprocessor(batch(), training=True)
    torch.manual_seed(0)
    losses = model.loss(data['inputs'], data['data_samples'])
    terms = {k: v for k, v in losses.items() if 'loss' in k}  # what mmengine sums
    assert set(terms) == {'loss_cls', 'loss_branch_cls', 'loss_restore', 'loss_kd'}
    # the fusion neck's mean stage weights, logged beside the losses
    gates = [losses[f'fusion_gate_{i}'] for i in range(4)]
    assert set(losses) - set(terms) == {f'fusion_gate_{i}' for i in range(4)}
    assert abs(sum(gates).item() - 1.0) < 1e-5
    for key, value in losses.items():
        assert value.dim() == 0 and torch.isfinite(value), key
    sum(terms.values()).backward()
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


def test_kd_weight_ramps_from_zero_over_the_warm_up():
    from mmengine.logging import MessageHub
    model = MODELS.build(tiny_model_cfg(kd_warmup_iters=100))
    model.train()
    data = model.data_preprocessor(batch(), training=True)
    hub = MessageHub.get_current_instance()
    values = {}
    for it in (0, 25, 100, 400):
        hub.update_info('iter', it)
        torch.manual_seed(0)  # the same corruption each time
        values[it] = model.loss(data['inputs'], data['data_samples'])['loss_kd'].item()
    hub.update_info('iter', 0)
    assert values[0] == 0.0
    assert values[25] == pytest.approx(0.25 * values[100], rel=1e-5)
    assert values[400] == pytest.approx(values[100], rel=1e-5) and values[100] > 0
    with pytest.raises(ValueError, match='kd_warmup_iters'):
        MODELS.build(tiny_model_cfg(kd_warmup_iters=-1))
