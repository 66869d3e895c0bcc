"""The MDFL-like model end to end: the mmengine Runner on the real Trento LiDAR + ground
truth with a synthetic 63-band HSI cube (fast, in process), and the real tools
(tools/train.py, tools/test.py --record, tools/visualization/show_classification_map.py)
on the smoke config (slow)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import REPO_ROOT, shared_data_root
from rszoo.utils import register_all_modules

register_all_modules()
from mmengine.config import Config  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

SMOKE = REPO_ROOT / 'configs/mdfl/mdfl_trento-synthetic-hsi_patch7_smoke.py'
TRENTO = shared_data_root() / 'trento-lidar-gt-partial'


@pytest.fixture()
def trento():
    if not (TRENTO / 'Italy_lidar.mat').is_file():
        pytest.skip(f'{TRENTO} not found (set RSZOO_DATA_ROOT to the folder holding '
                    'trento-lidar-gt-partial, normally ../shared/data)')


def test_runner_trains_validates_and_tests(trento, tmp_path):
    cfg = Config.fromfile(SMOKE)
    cfg.work_dir = str(tmp_path)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.num_per_class = (4, ) * 6
        cfg[loader].dataset.val_ratio = 0.5
        cfg[loader].dataset.data_root = str(TRENTO)
    cfg.test_dataloader.dataset.max_per_class = 3
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.checkpoint.save_best = None
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    assert {'OA', 'AA', 'kappa'} <= set(metrics) and 0 <= metrics['OA'] <= 100
    assert sum(k.startswith('CA/') for k in metrics) == 6
    assert (tmp_path / 'epoch_1.pth').is_file()


@pytest.mark.slow
def test_tools_train_test_record_and_map(trento, tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS='1', RSZOO_DATA_ROOT=str(shared_data_root()))

    def run(*args):
        out = subprocess.run([sys.executable, *map(str, args)], cwd=REPO_ROOT, env=env,
                             capture_output=True, text=True, timeout=1200)
        assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
        return out.stdout

    run('tools/train.py', SMOKE, '--work-dir', tmp_path, '--cfg-options', 'train_cfg.max_epochs=1')
    best = next(tmp_path.glob('best_OA_epoch_*.pth'))
    record = tmp_path / 'records.jsonl'
    run('tools/test.py', SMOKE, best, '--work-dir', tmp_path, '--record', record)
    row = json.loads(record.read_text().splitlines()[-1])
    assert row['selected_on'] == 'val' and {'OA', 'AA', 'kappa'} <= set(row['metrics']['test'])
    out = run('tools/visualization/show_classification_map.py', SMOKE, best, '--window', 0, 20,
              0, 40, '--out', tmp_path / 'map.png', '--gt', tmp_path / 'gt.png', '--save-npy',
              tmp_path / 'pred.npy')
    assert 'painted 800 pixels of a 166x600 grid' in out
    from PIL import Image
    picture = np.asarray(Image.open(tmp_path / 'map.png'))
    assert picture.shape == (166, 600, 3)
    assert picture[:20, :40].any(axis=2).all() and not picture[20:].any()
    pred = np.load(tmp_path / 'pred.npy')
    assert (pred[:20, :40] >= 0).all() and (pred[20:] == -1).all()
    assert (tmp_path / 'gt.png').is_file() and (tmp_path / 'map_legend.png').is_file()
