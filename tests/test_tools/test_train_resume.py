"""``tools/train.py --resume``: bit-exact on CPU, also across validation; errors.

An uninterrupted run and runs resumed from its epoch-1 checkpoint (real
AID-150px images, the real Runner) must end with the same bits in every
parameter, buffer and optimizer state. Validation runs after every epoch
(``val_interval=1``), i.e. between the checkpoint and the next epoch, and the
seed is given on the command line (``randomness.seed=7``). SSKDNet draws its
masks and patch shuffles in the main process; SwiMDiff its diffusion noise.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from rszoo.utils import register_all_modules
from rszoo.utils.compat import load_from_local

from conftest import REPO_ROOT, load_tool

register_all_modules()  # B1: mmengine's resume checkpoints load with weights_only=True
DRIVER = Path(__file__).with_name('train_main_driver.py')


def run_main_calls(steps, timeout=600):
    out = subprocess.run([sys.executable, str(DRIVER), json.dumps(steps)], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=timeout,
                         env=dict(os.environ, PYTHONUNBUFFERED='1',
                                  OMP_NUM_THREADS='1'))
    assert out.returncode == 0, f'{out.stdout[-3000:]}\n{out.stderr[-3000:]}'
    return out.stdout + out.stderr


def assert_bit_identical(path_a, path_b):
    a, b = load_from_local(str(path_a)), load_from_local(str(path_b))
    assert a['meta']['epoch'] == b['meta']['epoch']
    assert a['state_dict'].keys() == b['state_dict'].keys()
    # every parameter and buffer (BN statistics, queues, counters)
    differ = [k for k, v in a['state_dict'].items() if not torch.equal(v, b['state_dict'][k])]
    assert not differ, f'{len(differ)} tensors differ, e.g. {differ[:5]}'
    sa, sb = a['optimizer']['state'], b['optimizer']['state']
    assert sa.keys() == sb.keys()
    for key in sa:
        for name, value in sa[key].items():
            if torch.is_tensor(value):
                assert torch.equal(value, sb[key][name]), (key, name)
            else:
                assert value == sb[key][name], (key, name)
    assert a['param_schedulers'] == b['param_schedulers']


def final_validation(log):
    return [line for line in log.splitlines() if line.startswith('rszoo: final validation')]


SSKDNET = 'tests/configs/tiny_sskdnet_aid150.py'
# 48 training / 30 validation images: 2 + 1 iterations per epoch
SSKDNET_OPTIONS = [
    'train_cfg.max_epochs=2', 'train_cfg.val_interval=1', 'param_scheduler.0.T_max=2',
    'default_hooks.checkpoint.max_keep_ckpts=3', '+train_dataloader.dataset.indices=48',
    '+val_dataloader.dataset.indices=30', 'randomness.seed=7']
SWIMDIFF = 'tests/configs/tiny_swimdiff_aid150.py'
# 32 scenes x 4 tiles: 4 iterations per epoch
SWIMDIFF_OPTIONS = ['+train_dataloader.dataset.dataset.indices=32', 'randomness.seed=7']


@pytest.fixture(scope='module')
def resumed_runs(tmp_path_factory, aid_root):
    """For each model: an uninterrupted 2-epoch run (``a``) and a run resumed
    from its epoch-1 checkpoint (``b``), all in one process start-up."""
    root = tmp_path_factory.mktemp('resume')
    steps = []
    for name, config, options in (('sskdnet', SSKDNET, SSKDNET_OPTIONS),
                                  ('swimdiff', SWIMDIFF, SWIMDIFF_OPTIONS)):
        a, b = root / name / 'a', root / name / 'b'
        steps += [
            [config, '--work-dir', str(a), '--cfg-options', *options,
             f'+experiment_name={name}_uninterrupted'],
            {'copy': [str(a / 'epoch_1.pth'), str(b / 'epoch_1.pth')]},
            [config, '--work-dir', str(b), '--resume', str(b / 'epoch_1.pth'),
             '--cfg-options', *options, f'+experiment_name={name}_resumed'],
        ]
    return root, run_main_calls(steps)


def test_sskdnet_resume_across_validation_is_bit_exact(resumed_runs):
    """SSKDNet (masks and patch shuffles drawn in the main process), validation
    after every epoch, seed 7 on the command line."""
    root, log = resumed_runs
    assert 'resumed epoch: 1, iter: 2' in log, log[-3000:]
    assert 'Epoch(val) [1]' in log  # validation ran between epoch 1 and epoch 2
    assert_bit_identical(root / 'sskdnet/a/epoch_2.pth', root / 'sskdnet/b/epoch_2.pth')
    # and so the last validation
    finals = final_validation(log)
    assert len(finals) == 2
    assert finals[0].split('):', 1)[1] == finals[1].split('):', 1)[1], finals


def test_swimdiff_resume_is_bit_exact(resumed_runs):
    """SwiMDiff's tiny pre-training (diffusion noise, momentum encoder, queue,
    scene-grouped sampler), seed 7 on the command line."""
    root, log = resumed_runs
    assert 'resumed epoch: 1, iter: 4' in log, log[-3000:]
    assert_bit_identical(root / 'swimdiff/a/epoch_2.pth', root / 'swimdiff/b/epoch_2.pth')


@pytest.fixture()
def train_tool(monkeypatch):
    """tools/train.py as a module (without its allocator re-exec)."""
    monkeypatch.setenv('RSZOO_DEFAULT_MALLOC', '1')
    return load_tool('tools/train.py', 'rszoo_train_tool')


def _merge(train_tool, *argv):
    from mmengine.config import Config
    args = train_tool.parse_args(['tests/configs/tiny_resnet_aid150.py', *argv])
    return train_tool.merge_args(Config.fromfile(args.config), args)


def test_resume_with_nothing_to_resume_is_an_error(train_tool, tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        _merge(train_tool, '--work-dir', str(tmp_path), '--resume')
    message = str(error.value)
    assert 'nothing to resume' in message and str(tmp_path / 'last_checkpoint') in message
    # the work dir may also come from --cfg-options
    with pytest.raises(FileNotFoundError, match=str(tmp_path / 'other')):
        _merge(train_tool, '--resume', '--cfg-options', f'work_dir={tmp_path / "other"}')


def test_resume_names_a_missing_checkpoint(train_tool, tmp_path):
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    with pytest.raises(FileNotFoundError, match='epoch_3.pth.*does not exist'):
        _merge(train_tool, '--work-dir', str(tmp_path), '--resume')


def test_auto_resume_with_a_checkpoint_is_unchanged(train_tool, tmp_path):
    (tmp_path / 'epoch_3.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    cfg = _merge(train_tool, '--work-dir', str(tmp_path), '--resume')
    assert cfg.resume is True and cfg.load_from is None  # mmengine finds it
    cfg = _merge(train_tool, '--work-dir', str(tmp_path))
    assert not cfg.resume
