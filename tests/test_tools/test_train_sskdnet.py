"""``tools/train.py`` with the AID-150px SSKDNet config on the tiny real split (skips
without ``../shared/data``): the student's classification loss falls.
"""
import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.usefixtures('single_thread_registry')


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
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    scalars = next(work_dir.glob('*/vis_data/scalars.json'))
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    first = [r['loss_cls'] for r in records if 'loss_cls' in r and r['epoch'] == 1]
    last = [r['loss_cls'] for r in records if 'loss_cls' in r and r['epoch'] == 4]
    assert sum(last) / len(last) < sum(first) / len(first)
    assert any('loss_kd' in r and 'loss_restore' in r for r in records)
    assert [r for r in records if 'accuracy/top1' in r]
