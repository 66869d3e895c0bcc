"""AtomicCheckpointHook: a training killed at any point keeps a checkpoint to resume.

The kill test (``checkpoint_kill_driver.py``) trains a toy model with the real
Runner in forked children (``max_keep_ckpts=1``, the worst case) and SIGKILLs
them just before and just after every file operation of a save, and at random
delays; afterwards ``last_checkpoint`` always names a checkpoint that loads
with ``weights_only=True``, and resuming from it runs on. (mmengine's own
``CheckpointHook`` fails 12 of these 14 kills: it removes the old checkpoint
first and writes ``last_checkpoint`` with a plain ``open()``.)
"""
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub, MMLogger

from rszoo.engine.hooks import AtomicCheckpointHook
from rszoo.utils import register_all_modules

register_all_modules()
DRIVER = Path(__file__).with_name('checkpoint_kill_driver.py')


@pytest.fixture(scope='module')
def kill_report(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp('kills')
    out = subprocess.run([sys.executable, str(DRIVER), str(out_dir), 'AtomicCheckpointHook'],
                         capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_kill_around_every_save_leaves_a_loadable_named_checkpoint(kill_report):
    trials = kill_report['trials']
    op_trials = [t for t in trials if t['kind'] == 'op']
    # 2 x (4 fsync + 2 replace + 1 remove) of the second save, and 6 random kills
    assert len(op_trials) == 14 and len(trials) == 20
    for trial in trials:
        assert trial['killed'], trial
        assert trial['ok'], trial  # last_checkpoint names a checkpoint that loads
        assert trial['epoch'] in (1, 2) or trial['kind'] == 'random', trial
        # resuming from it trains on, and the outdated file a kill left
        # behind is removed by the resumed run
        resumed = trial['resumed']
        assert resumed['status'] == 0, trial
        assert resumed['epoch'] == trial['epoch'] + 1, trial
        assert resumed['files'] == [f'epoch_{trial["epoch"] + 1}.pth'], trial


def test_save_order_and_file_modes(kill_report):
    """New checkpoint, then ``last_checkpoint``, then the removal; each
    rename followed by an fsync of the folder; files get the umask's mode."""
    saves = kill_report['ops_per_save']
    assert saves[1] == ['fsync', 'replace', 'fsync', 'fsync', 'replace', 'fsync', 'remove']
    ops = [op for op in kill_report['clean_ops'] if op[0] in ('replace', 'remove')]
    assert ops[2:5] == [['replace', 'epoch_2.pth'], ['replace', 'last_checkpoint'],
                        ['remove', 'epoch_1.pth']]
    # written under umask 027
    assert kill_report['clean_modes'] == {'epoch_3.pth': '0o640', 'last_checkpoint': '0o640'}
    assert kill_report['clean']['files'] == ['epoch_3.pth']


def test_local_out_dir_defaults_to_the_atomic_backend():
    assert AtomicCheckpointHook().backend_args == dict(backend='atomic_local')
    assert AtomicCheckpointHook(backend_args=dict(backend='local')).backend_args == dict(
        backend='local')
    assert AtomicCheckpointHook(out_dir='s3://bucket/run').backend_args is None


class _FakeRunner(SimpleNamespace):
    """What ``_save_best_checkpoint`` uses of a Runner; saves record which
    checkpoints existed while the new one was written."""

    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        self.existing_at_save.append(sorted(p.name for p in Path(out_dir).glob('*.pth')))
        (Path(out_dir) / filename).write_bytes(b'checkpoint')


def test_previous_best_is_removed_only_after_the_new_best_exists(tmp_path):
    hook = AtomicCheckpointHook(save_best='acc', rule='greater', interval=1)
    runner = _FakeRunner(work_dir=str(tmp_path), epoch=1, iter=10, existing_at_save=[],
                         message_hub=MessageHub.get_instance('atomic-best-test'),
                         logger=MMLogger.get_instance('atomic-best-test'))
    hook.before_train(runner)
    hook._save_best_checkpoint(runner, dict(acc=0.5))
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['best_acc_epoch_1.pth']
    runner.epoch = 2
    hook._save_best_checkpoint(runner, dict(acc=0.7))
    # while best_acc_epoch_2 was written, best_acc_epoch_1 still existed
    assert runner.existing_at_save[-1] == ['best_acc_epoch_1.pth']
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['best_acc_epoch_2.pth']
    runner.epoch = 3
    hook._save_best_checkpoint(runner, dict(acc=0.6))  # not better: nothing changes
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['best_acc_epoch_2.pth']
