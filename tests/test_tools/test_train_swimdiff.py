"""The commands of ``configs/swimdiff/README.md`` through ``tools/train.py``: pre-train
on 120 real AID-150px images, then linear-probe the backbone (~35 s: in the default
suite; skipped without ``../shared/data``).
"""
import pytest
import torch

from conftest import REPO_ROOT
from helpers.swimdiff import PROBE_CONFIG

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_tools_train_pretrains_then_probes_the_backbone(aid_root, tmp_path):
    import json
    import subprocess
    import sys

    def train(*args):
        out = subprocess.run([sys.executable, 'tools/train.py', *args], cwd=REPO_ROOT,
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
    out = train(PROBE_CONFIG, '--work-dir', str(probe), '--test', '--cfg-options',
                f'model.backbone.init_cfg.checkpoint={pre / "epoch_2.pth"}',
                '+model.backbone.base_channels=16', '+model.backbone.stem_channels=16',
                'model.neck.1.input_features=128', 'model.head.in_channels=128',
                'train_dataloader.dataset.split_file=tests/data/splits/aid_tiny_train.txt',
                'test_dataloader.dataset.split_file=tests/data/splits/aid_tiny_test.txt',
                'train_cfg.max_epochs=2',
                'param_scheduler.1.T_max=1')
    assert 'rszoo: OA = ' in out.stdout
    probed = torch.load(probe / 'epoch_2.pth', weights_only=True)['state_dict']
    for key in ('backbone.conv1.weight', 'backbone.layer4.1.conv2.weight'):
        assert torch.equal(probed[key], state[key]), key  # loaded, then frozen
