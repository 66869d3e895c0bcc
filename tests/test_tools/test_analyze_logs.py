"""tools/analysis/analyze_logs.py: curves (PNG) and iteration times from mmengine's
JSON logs: a synthetic log with known numbers, and the log of a real 2-epoch run."""
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import REPO_ROOT, load_tool

TINY = 'tests/configs/tiny_resnet_aid150.py'


tool = load_tool('tools/analysis/analyze_logs.py')


def write_log(work_dir, stamp='20260101_000000', epochs=2, iters=4, loss0=3.0):
    """mmengine's layout: <work_dir>/<stamp>/vis_data/<stamp>.json; iteration time
    is 1.0 s for the first logged iteration of an epoch, 0.1 * epoch after."""
    lines = []
    for epoch in range(1, epochs + 1):
        for i in range(iters):
            step = (epoch - 1) * iters + i + 1
            lines.append(dict(lr=0.1, data_time=0.01, loss=loss0 - 0.1 * step,
                              time=1.0 if i == 0 else 0.1 * epoch, epoch=epoch, iter=step,
                              step=step))
        lines.append({'accuracy/top1': 10. * epoch, 'data_time': 0.01, 'time': 0.02,
                      'step': epoch})
    path = Path(work_dir) / stamp / 'vis_data' / f'{stamp}.json'
    path.parent.mkdir(parents=True)
    path.write_text('\n'.join(json.dumps(x) for x in lines) + '\n')
    (path.parent / 'scalars.json').write_text(path.read_text())
    return path


def test_load_and_curves_in_epochs(tmp_path):
    path = write_log(tmp_path)
    assert tool.find_json_log(str(tmp_path)) == str(path)  # a work dir: its <stamp>.json
    log = tool.load_json_log(path)
    assert (len(log['train']), len(log['val'])) == (8, 2)
    xs, ys, unit = tool.curve(log, 'loss')
    assert unit == 'epoch'
    np.testing.assert_allclose(xs, np.arange(1, 9) / 4)  # step / iters per epoch
    np.testing.assert_allclose(ys, 3.0 - 0.1 * np.arange(1, 9))
    xs, ys, _ = tool.curve(log, 'accuracy/top1')
    np.testing.assert_allclose(xs, [1, 2])
    np.testing.assert_allclose(ys, [10, 20])
    with pytest.raises(ValueError, match=r"training keys: \['data_time', 'loss', 'lr', 'time'\]"):
        tool.curve(log, 'acc')


def test_plot_curve_several_logs(tmp_path):
    a = write_log(tmp_path / 'a')
    b = write_log(tmp_path / 'b', stamp='20260102_000000', loss0=4.0)
    out = tmp_path / 'out' / 'curves.png'
    assert tool.main(['plot_curve', str(a), str(tmp_path / 'b'), '--keys', 'loss',
                      'accuracy/top1', '--legend', 'a', 'b', '--title', 'T',
                      '--out', str(out)]) == str(out)
    one = tmp_path / 'one.png'
    tool.main(['plot_curve', str(a), '--out', str(one)])
    assert Image.open(out).size[1] > 1.7 * Image.open(one).size[1]  # one panel per key
    args = tool.parse_args(['plot_curve', str(a), str(b), '--keys', 'loss', 'accuracy/top1'])
    args.given_logs = [str(a), str(tmp_path / 'b')]
    logs = [tool.load_json_log(p) for p in (a, b)]
    fig = tool.plot_curve(logs, args)
    assert [ax.get_ylabel() for ax in fig.axes] == ['loss', 'accuracy/top1']
    assert [line.get_label() for line in fig.axes[0].lines] == ['20260101_000000', 'b']
    assert fig.axes[0].lines[1].get_ydata()[0] == pytest.approx(3.9)
    args.legend = ['la', 'ta', 'lb', 'tb']  # one per log and key, as in mmpretrain
    fig = tool.plot_curve(logs, args)
    assert [line.get_label() for line in fig.axes[1].lines] == ['ta', 'tb']
    args.legend = ['x', 'y', 'z']
    with pytest.raises(ValueError, match='one name per log'):
        tool.plot_curve(logs, args)
    # default output: next to the first log
    tool.main(['plot_curve', str(a)])
    assert (a.parent / 'curves.png').is_file()


def test_cal_train_time_and_errors(tmp_path, capsys):
    path = write_log(tmp_path)
    result, = tool.main(['cal_train_time', str(path)])
    # epoch 1: 0.1 s/iter, epoch 2: 0.2 s/iter once the first iteration is left out
    assert (result['slowest_epoch'], result['fastest_epoch']) == (2, 1)
    assert result['std_over_epochs'] == pytest.approx(0.05)
    assert result['mean'] == pytest.approx((2 * 1.0 + 3 * 0.1 + 3 * 0.2) / 8)
    assert 'average iter time: 0.3625 s/iter' in capsys.readouterr().out
    with_outliers, = tool.main(['cal_train_time', str(path), '--include-outliers'])
    assert with_outliers['std_over_epochs'] == pytest.approx(0.0375)
    bad = tmp_path / 'bad.json'
    bad.write_text('{"lr": 1}\nnot json\n')
    with pytest.raises(ValueError, match='bad.json:2 is not a JSON line'):
        tool.main(['cal_train_time', str(bad)])
    with pytest.raises(FileNotFoundError, match='no such log file'):
        tool.main(['cal_train_time', str(tmp_path / 'missing')])
    (tmp_path / 'empty_run').mkdir()
    with pytest.raises(FileNotFoundError, match='vis_data'):
        tool.main(['cal_train_time', str(tmp_path / 'empty_run')])
    with pytest.raises(SystemExit):
        tool.parse_args(['plot_curve', str(path), '--window-size', '8x3'])


@pytest.fixture(scope='module')
def real_log(tmp_path_factory, aid_root):
    """The JSON log of a real 2-epoch run of the tiny config on 48 of its training
    images (3 iterations per epoch) and 30 test images."""
    from mmengine.config import Config
    from mmengine.runner import Runner

    from rszoo.utils import register_all_modules
    from rszoo.utils.config_utils import apply_dataloader_defaults
    register_all_modules()
    work_dir = tmp_path_factory.mktemp('tiny_run')
    cfg = Config.fromfile(str(REPO_ROOT / TINY))
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.max_epochs = 2
    cfg.train_cfg.val_interval = 1
    cfg.train_dataloader.dataset.indices = 48
    cfg.val_dataloader.dataset.indices = 30
    cfg.experiment_name = 'analyze_logs_tiny'
    apply_dataloader_defaults(cfg)
    Runner.from_cfg(cfg).train()
    return work_dir


def test_real_training_log(real_log, tmp_path):
    log = tool.load_json_log(tool.find_json_log(str(real_log)))
    xs, ys, unit = tool.curve(log, 'loss')
    assert unit == 'epoch' and len(ys) == 6
    np.testing.assert_allclose(xs, np.arange(1, 7) / 3)
    xs, ys, _ = tool.curve(log, 'accuracy/top1')
    np.testing.assert_allclose(xs, [1, 2])
    assert np.all((0 <= ys) & (ys <= 100))
    out = tmp_path / 'real.png'
    tool.main(['plot_curve', str(real_log), '--keys', 'loss', 'lr', 'accuracy/top1',
               '--out', str(out)])
    assert Image.open(out).size[1] > 500
    timing, = tool.main(['cal_train_time', str(real_log)])
    assert timing['mean'] > 0 and timing['slowest_epoch'] in (1, 2)
