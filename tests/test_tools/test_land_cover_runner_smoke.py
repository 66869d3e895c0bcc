"""The land-cover methods end to end (MIViT, MDFL, FedDiff): the mmengine Runner on the real
Trento LiDAR + ground truth with a synthetic 63-band HSI cube (fast, in process), and the real
tools (tools/train.py, tools/test.py --record, tools/visualization/show_classification_map.py,
tools/federated_train.py) on each smoke config (slow)."""
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

SMOKES = {
    'mivit': REPO_ROOT / 'configs/mivit/mivit_trento-synthetic-hsi_patch24_1xb16_smoke.py',
    'mdfl': REPO_ROOT / 'configs/mdfl/mdfl_trento-synthetic-hsi_patch7_1xb16_smoke.py',
    'feddiff': REPO_ROOT / 'configs/feddiff/feddiff_trento-synthetic-hsi_patch7_1xb16_smoke.py',
}
TRENTO = shared_data_root() / 'trento-lidar-gt-partial'


@pytest.fixture()
def trento():
    if not (TRENTO / 'Italy_lidar.mat').is_file():
        pytest.skip(f'{TRENTO} not found (set RSZOO_DATA_ROOT to the folder holding '
                    'trento-lidar-gt-partial, normally ../shared/data)')


@pytest.mark.parametrize('method', sorted(SMOKES))
def test_runner_trains_validates_and_tests(method, trento, tmp_path):
    cfg = Config.fromfile(SMOKES[method])
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
@pytest.mark.parametrize('method', sorted(SMOKES))
def test_tools_train_test_record_and_map(method, trento, tmp_path):
    SMOKE = SMOKES[method]
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
    assert row['selected_on'] == 'val' and {'OA', 'AA', 'kappa'} <= set(row['metrics'])
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


def test_paint_colours_every_listed_pixel():
    sys.path.insert(0, str(REPO_ROOT / 'tools/visualization'))
    from show_classification_map import PALETTE, paint
    picture = paint([0, 2, -1], [0, 1, 1], [0, 2, 0], (2, 3))
    assert (picture[0, 0] == PALETTE[0]).all() and (picture[1, 2] == PALETTE[2]).all()
    assert not picture[1, 0].any() and not picture[0, 1].any()
    with pytest.raises(ValueError, match='palette'):
        paint([99], [0], [0], (1, 1))


@pytest.mark.slow
def test_federated_train_tool_writes_history_and_record(trento, tmp_path):
    SMOKE = SMOKES['feddiff']
    env = dict(os.environ, OMP_NUM_THREADS='1', RSZOO_DATA_ROOT=str(shared_data_root()))
    record = tmp_path / 'records.jsonl'
    out = subprocess.run([sys.executable, 'tools/federated_train.py', str(SMOKE), '--work-dir',
                          str(tmp_path), '--record', str(record), '--cfg-options',
                          'federated.num_rounds=1'],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert 'bytes sent per round by each client' in out.stdout
    history = json.loads((tmp_path / 'federated_history.json').read_text())
    assert len(history['rounds']) == 1 and history['summary']['best_round'] == 1
    assert all(b > 0 for b in history['rounds'][0]['client_message_bytes'])
    row = json.loads(record.read_text().splitlines()[-1])
    assert row['selected_on'] == 'val' and {'OA', 'AA', 'kappa'} <= set(row['metrics'])
    # the bytes of the last round, per client, are numbers of the record
    summary = history['summary']
    for k in (0, 1):
        assert row['metrics'][f'uplink_bytes/client{k}'] == \
            summary['client_message_bytes_per_round'][k]
        assert row['metrics'][f'downlink_bytes/client{k}'] == \
            summary['server_message_bytes_per_round'][k]
    assert row['metrics']['best_round'] == 1
