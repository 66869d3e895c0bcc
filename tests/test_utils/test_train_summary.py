"""rszoo.utils.train_summary: a training run's logged scalars and wall time as
record metrics (hand-made mmengine work dir)."""
import json

import pytest

from rszoo.utils.train_summary import (log_wall_s, summarize_training,
                                       write_training_summary)

SCALARS = [  # two epochs of 100 steps logged every 50 steps, validation in between
    {'lr': 0.02, 'loss': 2.9, 'time': 0.5, 'comm_bytes': 1000, 'epoch': 1, 'iter': 50, 'step': 50},
    {'lr': 0.02, 'loss': 2.7, 'time': 0.3, 'comm_bytes': 600, 'epoch': 1, 'iter': 100, 'step': 100},
    {'accuracy/top1': 20.0, 'time': 9.0, 'step': 1},
    {'lr': 0.01, 'loss': 2.1, 'time': 0.4, 'comm_bytes': 20, 'epoch': 2, 'iter': 150, 'step': 150},
    {'lr': 0.01, 'loss': 2.0, 'time': 0.2, 'comm_bytes': 40, 'epoch': 2, 'iter': 200, 'step': 200},
    {'accuracy/top1': 30.0, 'time': 9.0, 'step': 2},
]
LOG = ('2026/12/02 18:09:37 - mmengine - INFO - Config: ...\n'
       'not a timestamped line\n'
       '2026/12/02 18:16:12 - mmengine - INFO - Epoch(val) [2][4/4] accuracy/top1: 30.0\n')


def make_work_dir(tmp_path, stamp='20261202_180934'):
    session = tmp_path / stamp
    (session / 'vis_data').mkdir(parents=True)
    (session / 'vis_data' / 'scalars.json').write_text(
        '\n'.join(json.dumps(line) for line in SCALARS) + '\n')
    (session / f'{stamp}.log').write_text(LOG)
    return session


def test_summary_means_of_training_lines_and_wall_time(tmp_path):
    session = make_work_dir(tmp_path)
    assert log_wall_s(str(session)) == 6 * 60 + 38  # 18:09:34 -> 18:16:12
    summary = summarize_training(str(tmp_path), keys=('comm_bytes', 'time', 'never_logged'))
    assert summary == {
        'train_wall_s': 398.0,
        'train_comm_bytes_mean': 415.0,        # (1000 + 600 + 20 + 40) / 4
        'train_comm_bytes_last_epoch': 30.0,   # epoch 2 only
        'train_time_mean': pytest.approx(0.35),  # the validation line's time is not a step's
        'train_time_last_epoch': pytest.approx(0.3),
        # the validation lines (no loss; step = epoch): best, its epoch, last
        'val_accuracy/top1_best': 30.0, 'val_accuracy/top1_best_epoch': 2,
        'val_accuracy/top1_last': 30.0,
    }
    path = write_training_summary(str(tmp_path), keys=('comm_bytes', ))
    assert json.load(open(path)) == {'train_wall_s': 398.0, 'train_comm_bytes_mean': 415.0,
                                     'train_comm_bytes_last_epoch': 30.0,
                                     'val_accuracy/top1_best': 30.0,
                                     'val_accuracy/top1_best_epoch': 2,
                                     'val_accuracy/top1_last': 30.0}


def test_validation_best_is_the_first_epoch_of_the_best_value(tmp_path):
    """As mmengine's save_best keeps it (a later equal value does not replace it)."""
    session = make_work_dir(tmp_path)
    lines = SCALARS[:2] + [{'accuracy/top1': 50.0, 'step': 1}] + SCALARS[3:5] + [
        {'accuracy/top1': 50.0, 'step': 2}, {'accuracy/top1': 40.0, 'step': 3}]
    (session / 'vis_data' / 'scalars.json').write_text(
        '\n'.join(json.dumps(line) for line in lines) + '\n')
    summary = summarize_training(str(tmp_path), keys=())
    assert (summary['val_accuracy/top1_best'], summary['val_accuracy/top1_best_epoch'],
            summary['val_accuracy/top1_last']) == (50.0, 1, 40.0)
    # a run without a validation loop has no validation figures
    (session / 'vis_data' / 'scalars.json').write_text(
        '\n'.join(json.dumps(line) for line in SCALARS if 'loss' in line) + '\n')
    assert not any(k.startswith('val_') for k in summarize_training(str(tmp_path), keys=()))


def test_the_newest_session_is_read(tmp_path):
    make_work_dir(tmp_path, '20261202_100000')
    newer = make_work_dir(tmp_path, '20261202_180000')
    (newer / 'vis_data' / 'scalars.json').write_text(json.dumps(
        {'loss': 1.0, 'comm_bytes': 7, 'epoch': 3, 'iter': 1, 'step': 1}) + '\n')
    assert summarize_training(str(tmp_path), keys=('comm_bytes', ))['train_comm_bytes_mean'] == 7


def test_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        summarize_training(str(tmp_path / 'nope'))
    with pytest.raises(FileNotFoundError, match='vis_data/scalars.json under'):
        summarize_training(str(tmp_path))
    session = make_work_dir(tmp_path)
    (session / 'vis_data' / 'scalars.json').write_text('{"accuracy/top1": 1.0, "step": 1}\n')
    with pytest.raises(ValueError, match='has no training lines'):
        summarize_training(str(tmp_path))
    with pytest.raises(ValueError, match='unknown reductions'):
        summarize_training(str(tmp_path), reductions=('median', ))


def test_keys_none_summarises_every_logged_term(tmp_path):
    """keys=None: every numeric training term (losses, their parts, step time), no
    bookkeeping (lr, epoch, iter, step)."""
    make_work_dir(tmp_path)
    summary = summarize_training(str(tmp_path), keys=None, reductions=('last_epoch', ))
    assert {k for k in summary if k.startswith('train_')} == {
        'train_wall_s', 'train_loss_last_epoch', 'train_time_last_epoch',
        'train_comm_bytes_last_epoch'}
    assert summary['train_loss_last_epoch'] == pytest.approx(2.05)


def test_a_resumed_run_is_summarised_over_its_pieces(tmp_path):
    """A run cut into pieces (``--resume`` in the same work dir): the first
    piece logged 2 epochs and was stopped after iter 150 (checkpoint at epoch
    1, iter 100); the second resumed from it. The figures cover iters 50, 100
    of the first piece and 150, 200 of the second (150 counted once); the
    wall time is both pieces'; an older aborted run before the chain's start
    is not read."""
    aborted = make_work_dir(tmp_path, '20261201_090000')
    (aborted / 'vis_data' / 'scalars.json').write_text(json.dumps(
        {'loss': 9.0, 'comm_bytes': 9999, 'epoch': 1, 'iter': 50, 'step': 50}) + '\n')
    first = make_work_dir(tmp_path, '20261202_180934')  # SCALARS, 398 s
    (first / 'vis_data' / 'scalars.json').write_text('\n'.join(json.dumps(line) for line in [
        *SCALARS[:4], {'accuracy/top1': 99.0, 'step': 2}]) + '\n')
    # the aborted run was not resumed from: the first piece started from scratch
    second = make_work_dir(tmp_path, '20261203_100000')
    (second / 'vis_data' / 'scalars.json').write_text('\n'.join(json.dumps(line) for line in [
        dict(SCALARS[3], comm_bytes=30), SCALARS[4], SCALARS[5]]) + '\n')
    (second / '20261203_100000.log').write_text(
        '2026/12/03 10:00:05 - mmengine - INFO - resumed epoch: 1, iter: 100\n'
        '2026/12/03 10:01:40 - mmengine - INFO - Epoch(train) [2][100/100]\n')
    summary = summarize_training(str(tmp_path), keys=('comm_bytes', ))
    assert summary == {
        'train_wall_s': 398.0 + 100.0, 'train_sessions': 2,
        'train_comm_bytes_mean': (1000 + 600 + 30 + 40) / 4,  # not the first piece's 20
        'train_comm_bytes_last_epoch': 35.0,
        # epoch 1's validation from the first piece, epoch 2's from the second
        'val_accuracy/top1_best': 30.0, 'val_accuracy/top1_best_epoch': 2,
        'val_accuracy/top1_last': 30.0}
    # a fresh start in the same work dir is read alone
    (second / '20261203_100000.log').write_text(
        '2026/12/03 10:01:40 - mmengine - INFO - Epoch(train) [2][100/100]\n')
    assert 'train_sessions' not in summarize_training(str(tmp_path), keys=())
