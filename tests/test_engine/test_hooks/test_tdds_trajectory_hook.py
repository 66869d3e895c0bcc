"""TDDSTrajectoryHook: each sample's contributions land at its data set index under a
shuffled sampler, on one process and gathered from two (gloo), and ``--resume``
continues the recording to the same bits.

A toy classifier whose head outputs logits that depend only on the sample's index
and the epoch (``a_i (e+1)``, ``0``, ``-a_i``), so the expected softmax outputs and
contributions are known for every (epoch, index) and any mix-up of indices shows.
The data go through mmpretrain's ``PackInputs`` (``sample_idx`` in the metainfo),
as in the real configs.
"""
import os
import socket
import time

import numpy as np
import pytest
import torch
from mmengine.dataset import BaseDataset
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

from rszoo.datasets.pruning import tdds_contributions, tdds_scores
from rszoo.engine.hooks.tdds_trajectory_hook import (TDDSTrajectoryHook,
                                                     load_tdds_trajectory)
from rszoo.utils import register_all_modules

register_all_modules()


class IndexImages(BaseDataset):
    """Sample i: a 2x2 one-band image filled with i, label i % 3."""

    METAINFO = dict(classes=('a', 'b', 'c'))

    def __init__(self, size=13):
        self.size = size
        super().__init__(pipeline=[dict(type='PackInputs')], serialize_data=False)

    def load_data_list(self):
        return [dict(img=np.full((2, 2, 1), i, np.float32), gt_label=i % 3)
                for i in range(self.size)]


class EpochHead(nn.Module):
    """Logits (a (e+1), 0, -a) with a = (index + 1) / 10 and e the epoch."""

    def __init__(self):
        super().__init__()
        self.epoch = 0

    def forward(self, x):
        a = (x + 1) / 10
        return torch.stack([a * (self.epoch + 1), torch.zeros_like(a), -a], dim=1)


class ToyClassifier(BaseModel):

    def __init__(self):
        super().__init__()
        self.head = EpochHead()
        self.w = nn.Parameter(torch.zeros(1))  # something for the optimizer

    def forward(self, inputs, data_samples=None, mode='tensor'):
        logits = self.head(inputs.float().flatten(1).mean(1))
        if mode == 'loss':
            labels = torch.cat([s.gt_label for s in data_samples])
            return dict(loss=nn.functional.cross_entropy(logits, labels) + 0 * self.w.sum())
        return logits


class SetEpochAndWatchOrder(Hook):
    """Tell the head the epoch; keep the order in which samples came."""

    def __init__(self):
        self.order = []

    def before_train_epoch(self, runner):
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        model.head.epoch = runner.epoch

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.order += [int(s.metainfo['sample_idx']) for s in data_batch['data_samples']]


def expected_probs(size, epochs):
    """(E, N, C) softmax outputs of the toy head."""
    a = (torch.arange(size, dtype=torch.float32) + 1) / 10
    return np.stack([torch.softmax(torch.stack([a * (e + 1), torch.zeros_like(a), -a], 1),
                                   dim=1).numpy() for e in range(epochs)])


def make_runner(work_dir, epochs, resume_from=None, size=13, batch_size=3, dataset=None,
                drop_last=False, **kwargs):
    watcher = SetEpochAndWatchOrder()
    runner = Runner(
        model=ToyClassifier(), work_dir=str(work_dir),
        train_dataloader=dict(dataset=dataset or IndexImages(size), batch_size=batch_size,
                              num_workers=0, drop_last=drop_last,
                              sampler=dict(type='DefaultSampler', shuffle=True),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=epochs),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1),
                           logger=dict(type='LoggerHook', interval=1000)),
        custom_hooks=[watcher, dict(type='TDDSTrajectoryHook')],
        default_scope='rszoo', log_level='WARNING', randomness=dict(seed=3),
        resume=resume_from is not None, load_from=resume_from,
        experiment_name=f'tdds_{time.time_ns()}', **kwargs)
    return runner, watcher


def the_hook(runner):
    return next(h for h in runner.hooks if isinstance(h, TDDSTrajectoryHook))


def test_records_by_index_under_a_shuffled_sampler(tmp_path):
    runner, watcher = make_runner(tmp_path, epochs=4)
    runner.train()
    assert watcher.order[:13] != sorted(watcher.order[:13])  # really shuffled
    assert watcher.order[:13] != watcher.order[13:26]  # and differently each epoch
    trajectory = load_tdds_trajectory(str(tmp_path / 'tdds_trajectory.npz'))
    assert trajectory['epochs'] == 4 and trajectory['dataset_size'] == 13
    assert trajectory['num_classes'] == 3 and trajectory['dataset_type'] == 'IndexImages'
    assert trajectory['seen'].shape == (4, 13) and trajectory['seen'].all()
    assert trajectory['labels'].tolist() == [i % 3 for i in range(13)]
    assert trajectory['contribution_abs'].shape == (3, 13)
    assert trajectory['contribution_abs'].dtype == np.float32
    probs = expected_probs(13, 4)
    np.testing.assert_allclose(trajectory['contribution_abs'], tdds_contributions(probs),
                               rtol=2e-5, atol=1e-7)
    np.testing.assert_allclose(trajectory['contribution_kl'],
                               tdds_contributions(probs, absolute=False),
                               rtol=2e-5, atol=1e-7)
    # the last epoch's probabilities, kept for the next contribution, by index
    np.testing.assert_allclose(the_hook(runner).state['last_probs'], probs[-1], rtol=1e-6)
    # every checkpoint holds the state; a checkpoint reads like the .npz
    from_ckpt = load_tdds_trajectory(str(tmp_path / 'epoch_4.pth'))
    np.testing.assert_array_equal(from_ckpt['contribution_abs'],
                                  trajectory['contribution_abs'])
    assert load_tdds_trajectory(str(tmp_path / 'epoch_2.pth'))['epochs'] == 2
    # scores follow (window 3 of 4 epochs)
    assert tdds_scores(trajectory['contribution_abs'], window=3).shape == (13, )


def test_resume_continues_the_recording(tmp_path):
    straight, _ = make_runner(tmp_path / 'straight', epochs=4)
    straight.train()
    first, _ = make_runner(tmp_path / 'resumed', epochs=2)
    first.train()
    resumed, _ = make_runner(tmp_path / 'resumed', epochs=4,
                             resume_from=str(tmp_path / 'resumed' / 'epoch_2.pth'))
    resumed.train()
    a = load_tdds_trajectory(str(tmp_path / 'straight' / 'tdds_trajectory.npz'))
    b = load_tdds_trajectory(str(tmp_path / 'resumed' / 'tdds_trajectory.npz'))
    assert b['epochs'] == 4
    for key in ('contribution_abs', 'contribution_kl', 'seen', 'labels'):
        np.testing.assert_array_equal(a[key], b[key])


def test_clear_errors(tmp_path):
    runner, _ = make_runner(tmp_path / 'a', epochs=1)
    the_hook(runner).module = 'classifier'
    with pytest.raises(AttributeError, match=r"no submodule 'classifier'.*'head'\]"):
        runner.train()
    from mmengine.dataset import RepeatDataset
    runner, _ = make_runner(tmp_path / 'b', epochs=1,
                            dataset=RepeatDataset(IndexImages(4), times=2))
    with pytest.raises(TypeError, match='RepeatDataset, not a BaseDataset'):
        runner.train()
    with pytest.raises(FileNotFoundError, match='missing.npz does not exist'):
        load_tdds_trajectory(str(tmp_path / 'missing.npz'))
    runner, _ = make_runner(tmp_path / 'c', epochs=1)
    runner.model.head.forward = lambda x: (torch.zeros(len(x), 3), )
    with pytest.raises(TypeError, match=r"'head' returned tuple.*expected the \(B, C\) logits"):
        runner.train()


def test_resume_needs_the_recorded_epochs(tmp_path):
    runner, _ = make_runner(tmp_path, epochs=2)
    runner.train()
    for name in os.listdir(tmp_path):
        if name.endswith('.pth'):  # a checkpoint written without the hook's state
            ckpt = torch.load(tmp_path / name, weights_only=False)
            ckpt.pop('tdds_trajectory')
            torch.save(ckpt, tmp_path / name)
    resumed, _ = make_runner(tmp_path, epochs=3, resume_from=str(tmp_path / 'epoch_2.pth'))
    with pytest.raises(RuntimeError, match='training epoch 2 starts but 0 epoch'):
        resumed.train()


def test_samples_missing_from_an_epoch_are_nan(tmp_path):
    runner, _ = make_runner(tmp_path, epochs=3, drop_last=True)  # 13 samples, batches of 3
    runner.train()
    trajectory = load_tdds_trajectory(str(tmp_path / 'tdds_trajectory.npz'))
    assert (trajectory['seen'].sum(axis=1) == 12).all()
    missing = ~trajectory['seen']
    expected_nan = missing[:-1] | missing[1:]
    np.testing.assert_array_equal(np.isnan(trajectory['contribution_abs']), expected_nan)
    with pytest.raises(ValueError, match='non-finite contributions'):
        tdds_scores(trajectory['contribution_abs'], window=3)


def test_real_classifier_on_tiny_aid150(tmp_path, aid_root):
    """mmpretrain's ImageClassifier: ``module='head'`` gives the (B, 30) logits and
    the AID samples' ``sample_idx`` go through the real pipeline."""
    from mmengine.config import Config

    from conftest import REPO_ROOT
    cfg = Config.fromfile(str(REPO_ROOT / 'tests/configs/tiny_resnet_aid150.py'))
    cfg.work_dir = str(tmp_path)
    cfg.train_cfg = dict(by_epoch=True, max_epochs=3, val_interval=100)
    cfg.train_dataloader.dataset.preload = False
    cfg.custom_hooks = [dict(type='TDDSTrajectoryHook')]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)
    cfg.log_level = 'WARNING'
    cfg.experiment_name = f'tdds_aid_{time.time_ns()}'
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        Runner.from_cfg(cfg).train()
    finally:
        torch.set_num_threads(threads)
    trajectory = load_tdds_trajectory(str(tmp_path / 'tdds_trajectory.npz'))
    assert trajectory['dataset_size'] == 120 and trajectory['num_classes'] == 30
    assert trajectory['epochs'] == 3 and trajectory['seen'].all()
    assert trajectory['dataset_type'] == 'AID' and len(trajectory['fingerprint']) == 64
    assert np.bincount(trajectory['labels']).tolist() == [4] * 30
    assert np.isfinite(trajectory['contribution_abs']).all()
    assert (trajectory['contribution_abs'] >= trajectory['contribution_kl'] - 1e-6).all()
    assert (trajectory['contribution_kl'] >= -1e-6).all()  # a KL divergence


# ------------------------------------------------------------------- 2 processes
def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _distributed_worker(rank, world_size, port, work_dir):
    import torch.distributed as dist
    torch.set_num_threads(1)
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size),
                      MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    try:
        runner, watcher = make_runner(
            work_dir, epochs=3, size=11, batch_size=2, launcher='pytorch',
            cfg=dict(model_wrapper_cfg=dict(type='MMDistributedDataParallel',
                                            device_ids=None)))
        runner.train()
        assert type(runner.model).__name__ == 'MMDistributedDataParallel'
        state = the_hook(runner).state
        np.save(os.path.join(work_dir, f'rank{rank}_contributions.npy'),
                state['contribution_abs'])
        np.save(os.path.join(work_dir, f'rank{rank}_order.npy'), np.array(watcher.order))
    finally:
        dist.destroy_process_group()


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the CPU (gloo) path')
def test_two_processes_gather_by_index(tmp_path):
    torch.multiprocessing.start_processes(
        _distributed_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2,
        start_method='fork')
    orders = [np.load(tmp_path / f'rank{r}_order.npy') for r in (0, 1)]
    # each process saw about half of the 11 samples per epoch (padded to 12)
    assert len(orders[0]) == len(orders[1]) == 3 * 6
    assert set(orders[0][:6]) != set(range(11))
    trajectory = load_tdds_trajectory(str(tmp_path / 'tdds_trajectory.npz'))
    assert trajectory['seen'].all() and trajectory['epochs'] == 3
    expected = tdds_contributions(expected_probs(11, 3))
    np.testing.assert_allclose(trajectory['contribution_abs'], expected, rtol=2e-5, atol=1e-7)
    for r in (0, 1):  # every process holds the gathered trajectory
        np.testing.assert_array_equal(np.load(tmp_path / f'rank{r}_contributions.npy'),
                                      trajectory['contribution_abs'])
