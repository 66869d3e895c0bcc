"""tools/train.py, tools/test.py and tools/dist_train.sh on real AID-150px images.

A narrow ResNet-18 at 32 px on 120 training / 60 test images
(``tests/configs/tiny_resnet_aid150.py``): real data, the real Runner, seconds per run.
"""
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import REPO_ROOT as REPO  # noqa: E402

# checkpoints load with weights_only=True once rszoo's registry/compat fixes are in
pytestmark = pytest.mark.usefixtures('single_thread_registry')
TINY = 'tests/configs/tiny_resnet_aid150.py'


def run_tool(args, timeout=300, env=None, check=True):
    full_env = dict(os.environ, PYTHONUNBUFFERED='1', **(env or {}))
    out = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                         env=full_env)
    if check:
        assert out.returncode == 0, f'{args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}'
    return out


def train(work_dir, *extra, **kw):
    return run_tool([sys.executable, 'tools/train.py', TINY, '--work-dir', str(work_dir), *extra],
                    **kw)


def losses_by_epoch(work_dir):
    scalars = next(Path(work_dir).glob('*/vis_data/scalars.json'))
    by_epoch = {}
    for line in scalars.read_text().splitlines():
        rec = json.loads(line)
        if 'loss' in rec:
            by_epoch.setdefault(rec['epoch'], []).append(rec['loss'])
    return {e: sum(v) / len(v) for e, v in by_epoch.items()}


@pytest.fixture(scope='module')
def trained(tmp_path_factory, aid_root):
    """One 4-epoch run, keeping every checkpoint."""
    work_dir = tmp_path_factory.mktemp('train')
    out = train(work_dir, '--cfg-options', 'default_hooks.checkpoint.max_keep_ckpts=10')
    return work_dir, out


def test_train_lowers_loss_and_reports_oa(trained):
    work_dir, out = trained
    losses = losses_by_epoch(work_dir)
    assert sorted(losses) == [1, 2, 3, 4]
    assert losses[4] < losses[1] - 0.1, losses
    m = re.search(r'rszoo: OA = ([\d.]+)%', out.stdout)
    assert m, out.stdout[-2000:]
    assert 0.0 <= float(m.group(1)) <= 100.0
    assert (work_dir / 'last_checkpoint').read_text().strip().endswith('epoch_4.pth')
    # atomic writes leave no temp files behind
    assert not list(work_dir.glob('.*.tmp'))


def test_resume_continues_exactly(trained, tmp_path):
    work_dir, _ = trained
    resumed = tmp_path / 'resumed'
    resumed.mkdir()
    ckpt = resumed / 'epoch_2.pth'
    ckpt.write_bytes((work_dir / 'epoch_2.pth').read_bytes())
    out = train(resumed, '--resume', str(ckpt))
    assert 'resumed epoch: 2, iter: 16' in out.stdout + out.stderr
    a = torch.load(work_dir / 'epoch_4.pth', weights_only=True)
    b = torch.load(resumed / 'epoch_4.pth', weights_only=True)
    assert a['meta']['epoch'] == b['meta']['epoch'] == 4
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    for (ka, va), (kb, vb) in zip(a['optimizer']['state'].items(), b['optimizer']['state'].items()):
        assert torch.equal(va['momentum_buffer'], vb['momentum_buffer'])
    assert a['param_schedulers'] == b['param_schedulers']
    la, lb = losses_by_epoch(work_dir), losses_by_epoch(resumed)
    assert la[3] == pytest.approx(lb[3], abs=1e-6) and la[4] == pytest.approx(lb[4], abs=1e-6)


def test_resume_auto_from_work_dir(trained, tmp_path):
    work_dir, _ = trained
    resumed = tmp_path / 'auto'
    resumed.mkdir()
    (resumed / 'epoch_3.pth').write_bytes((work_dir / 'epoch_3.pth').read_bytes())
    (resumed / 'last_checkpoint').write_text(str(resumed / 'epoch_3.pth'))
    out = train(resumed, '--resume')
    assert 'resumed epoch: 3' in out.stdout + out.stderr


def test_test_tool_outputs_and_confusion_matrix(trained, tmp_path):
    work_dir, train_out = trained
    preds = tmp_path / 'preds.pkl'
    cm = tmp_path / 'cm.png'
    out = run_tool([sys.executable, 'tools/test.py', TINY, str(work_dir / 'epoch_4.pth'),
                    '--work-dir', str(tmp_path / 'test'), '--out', str(preds),
                    '--confusion-matrix', str(cm), '--cfg-options',  # the last validation's split
                    'test_dataloader.dataset.split_file=tests/data/splits/aid_tiny_val.txt'])
    oa_train = re.search(r'rszoo: OA = ([\d.]+)%', train_out.stdout).group(1)
    oa_test = re.search(r'rszoo: OA = ([\d.]+)%', out.stdout).group(1)
    assert oa_train == oa_test
    with open(preds, 'rb') as f:
        results = pickle.load(f)
    assert len(results) == 60
    assert {'pred_label', 'gt_label', 'pred_score'} <= set(results[0])
    assert cm.stat().st_size > 10_000


def test_test_tool_refuses_mismatched_checkpoint(trained, tmp_path):
    work_dir, _ = trained
    ckpt = torch.load(work_dir / 'epoch_4.pth', weights_only=True)
    ckpt['state_dict']['head.fc.weight'] = torch.zeros(10, 128)
    bad = tmp_path / 'bad.pth'
    torch.save(ckpt, bad)
    out = run_tool([sys.executable, 'tools/test.py', TINY, str(bad), '--work-dir',
                    str(tmp_path / 'w')], check=False)
    assert out.returncode != 0
    assert 'head.fc.weight' in out.stderr and 'size mismatch' in out.stderr


def test_unknown_cfg_option_key_is_refused(tmp_path, aid_root):
    out = train(tmp_path, '--cfg-options', 'train_cfg.max_epoch=1', check=False)
    assert out.returncode != 0
    assert 'unknown config key "train_cfg.max_epoch"' in out.stderr
    assert 'train_cfg.max_epochs' in out.stderr  # the suggestion


def test_missing_data_root_names_the_path(tmp_path, aid_root):
    out = train(tmp_path, '--cfg-options',
                'train_dataloader.dataset.data_root=/nonexistent/aid', check=False)
    assert out.returncode != 0
    assert '/nonexistent/aid' in out.stderr


def test_dist_train_two_cpu_processes(tmp_path, aid_root):
    """bash tools/dist_train.sh CONFIG 2: gloo on CPU, global batch 16 = 2 x 8."""
    if torch.cuda.is_available():
        pytest.skip('this checks the CPU (gloo) path')
    out = run_tool(
        ['bash', 'tools/dist_train.sh', TINY, '2', '--work-dir', str(tmp_path),
         '--cfg-options', 'train_dataloader.batch_size=8', 'train_cfg.max_epochs=2',
         'train_cfg.val_interval=2'],
        env=dict(PORT='29533'), timeout=400)
    log = out.stdout + out.stderr
    assert 'Distributed launcher: pytorch' in log and 'Distributed training: True' in log
    assert "model_wrapper_cfg = dict(device_ids=None, type='MMDistributedDataParallel')" in log
    # 120 images / (2 procs x 8) -> 8 iterations per epoch on each rank
    assert 'Epoch(train) [2][8/8]' in log
    assert re.search(r'rszoo: OA = [\d.]+%', log)
    assert (tmp_path / 'epoch_2.pth').is_file()
