"""DeferredLoadEMAHook: mmpretrain's EMAHook, also when the checkpoint is loaded before the run.

rszoo's ``tools/test.py`` calls ``runner.load_checkpoint`` before ``runner.test()``; the stock
hook builds its averaged copy only in ``before_run`` and fails there. With the deferred hook
the test sees the averaged weights, as with mmengine's own order (``load_from``), and the
model is left with the trained (source) weights afterwards. A toy model, no data needed.
"""
import time

import pytest
import torch
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

from rszoo.engine.hooks.ema_hook import DeferredLoadEMAHook
from rszoo.registry import HOOKS
from rszoo.utils import register_all_modules

register_all_modules()


class Toy(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.bn = nn.BatchNorm1d(2)

    def forward(self, inputs, labels=None, mode='tensor'):
        out = self.bn(self.fc(inputs))
        if mode == 'loss':
            return dict(loss=nn.functional.cross_entropy(out, labels))
        if mode == 'predict':
            return [dict(pred=o.argmax(), gt=g) for o, g in zip(out, labels)]
        return out


class Data(torch.utils.data.Dataset):
    def __len__(self):
        return 16

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return dict(inputs=torch.randn(4, generator=g), labels=i % 2)


class Accuracy(BaseMetric):
    def process(self, data_batch, data_samples):
        self.results += [float(s['pred'] == s['gt']) for s in data_samples]

    def compute_metrics(self, results):
        return dict(acc=sum(results) / len(results))


class ProbeWeights(Hook):
    """The weights the test iterations see (after the EMA hook's swap)."""
    priority = 'LOWEST'

    def before_test_iter(self, runner, batch_idx, data_batch=None):
        self.seen = {k: v.clone() for k, v in runner.model.state_dict().items()}


def runner(work_dir, ema_type='DeferredLoadEMAHook', **kwargs):
    loader = dict(dataset=Data(), batch_size=4, num_workers=0,
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='default_collate'))
    return Runner(
        model=Toy(), work_dir=str(work_dir),
        train_dataloader=loader, test_dataloader=loader, test_evaluator=[Accuracy()],
        test_cfg=dict(),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.5, momentum=0.9)),
        train_cfg=dict(by_epoch=True, max_epochs=2),
        default_hooks=dict(checkpoint=dict(type='AtomicCheckpointHook', interval=1),
                           logger=dict(type='LoggerHook', interval=1000)),
        custom_hooks=[dict(type=ema_type, momentum=0.3, priority='ABOVE_NORMAL')],
        default_scope='rszoo', log_level='WARNING', randomness=dict(seed=0),
        experiment_name=f'ema_{time.time_ns()}', **kwargs)


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('ema')
    runner(work_dir).train()
    path = work_dir / 'epoch_2.pth'
    ckpt = torch.load(path, map_location='cpu', weights_only=False)
    averaged, source = ckpt['state_dict'], ckpt['ema_state_dict']
    assert not torch.equal(averaged['fc.weight'], source['module.fc.weight'])
    return path, averaged, {k[len('module.'):]: v for k, v in source.items()
                            if k.startswith('module.')}


def test_registered_in_rszoo_scope():
    assert HOOKS.get('DeferredLoadEMAHook') is DeferredLoadEMAHook


def test_checkpoint_loaded_before_the_run_tests_the_averaged_weights(checkpoint, tmp_path):
    path, averaged, source = checkpoint
    r = runner(tmp_path)
    probe = ProbeWeights()
    r.register_hook(probe)
    r.load_checkpoint(str(path), map_location='cpu', strict=True)  # as rszoo's tools/test.py
    r.test()
    assert all(torch.equal(probe.seen[k], averaged[k]) for k in averaged)
    # afterwards the model holds the trained weights again, the EMA copy the averaged ones
    after = r.model.state_dict()
    assert torch.equal(after['fc.weight'], source['fc.weight'])
    ema = [h for h in r.hooks if isinstance(h, DeferredLoadEMAHook)][0]
    assert torch.equal(ema.ema_model.module.fc.weight, averaged['fc.weight'])


def test_same_weights_as_mmengines_load_from_order(checkpoint, tmp_path):
    path, averaged, _ = checkpoint
    r = runner(tmp_path, load_from=str(path))  # before_run, then the load: the stock path
    probe = ProbeWeights()
    r.register_hook(probe)
    r.test()
    assert all(torch.equal(probe.seen[k], averaged[k]) for k in averaged)


def test_the_stock_hook_fails_when_loaded_before_the_run(checkpoint, tmp_path):
    """Why the hook exists: if this stops failing, mmpretrain's EMAHook can replace it."""
    path, _, _ = checkpoint
    r = runner(tmp_path, ema_type='mmpretrain.EMAHook')
    with pytest.raises(AttributeError, match='ema_model'):
        r.load_checkpoint(str(path), map_location='cpu', strict=True)


def test_checkpoint_without_ema_loads_as_is(checkpoint, tmp_path):
    path, averaged, _ = checkpoint
    plain = {k: v.clone() for k, v in averaged.items()}
    no_ema = tmp_path / 'no_ema.pth'
    torch.save(dict(state_dict=plain, meta=dict()), no_ema)
    r = runner(tmp_path)
    probe = ProbeWeights()
    r.register_hook(probe)
    r.load_checkpoint(str(no_ema), map_location='cpu', strict=True)
    r.test()
    assert all(torch.equal(probe.seen[k], plain[k]) for k in plain)
