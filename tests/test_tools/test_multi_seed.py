"""tools/analysis/multi_seed.py: the per-seed overrides, the metric read-back
and the mean +- std summary (no training: --dry-run and hand-made logs)."""
import json
import os.path as osp
import sys

import pytest
from mmengine.config import Config

from conftest import REPO_ROOT

sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'analysis'))
import multi_seed  # noqa: E402

CONFIG = osp.join(REPO_ROOT, 'configs', 'baseline',
                  'efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e.py')


def test_seed_overrides_move_split_and_seed():
    cfg = Config.fromfile(CONFIG)
    options = multi_seed.seed_overrides(cfg, 2, 'seed0')
    assert options[0] == 'randomness.seed=2'
    assert 'train_dataloader.dataset.split_file=splits/aid/20-80_seed2_train.txt' in options
    assert 'test_dataloader.dataset.split_file=splits/aid/20-80_seed2_test.txt' in options
    assert not any(o.startswith('val_dataloader') for o in options)  # no validation loop
    with pytest.raises(FileNotFoundError, match='seed 7'):
        multi_seed.seed_overrides(cfg, 7, 'seed0')
    with pytest.raises(ValueError, match='--split-token'):
        multi_seed.seed_overrides(cfg, 1, 'fold0')


def test_seed_overrides_reach_wrapped_datasets_and_coreset_files():
    """A CoresetDataset config: the inner data set's split and the coreset file (made from
    the same seed's scoring run) both move to the seed."""
    cfg = Config.fromfile(osp.join(
        REPO_ROOT, 'configs', 'tdds', 'tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep30.py'))
    options = multi_seed.seed_overrides(cfg, 1, 'seed0')
    assert ('train_dataloader.dataset.dataset.split_file=splits/aid_val04/20-80_seed1_train.txt'
            in options)
    assert ('train_dataloader.dataset.index_file=work_dirs/multi_seed/'
            'tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_record/seed1/coresets/'
            'tdds_keep30.json' in options)
    assert 'val_dataloader.dataset.split_file=splits/aid_val04/20-80_seed1_val.txt' in options


def test_nproc_trains_through_dist_train(capsys):
    multi_seed.main([CONFIG, '--seeds', '1', '--nproc', '2', '--dry-run'])
    line = [l for l in capsys.readouterr().out.splitlines() if l.startswith('$ ')][0]
    assert line.startswith('$ bash ') and 'tools/dist_train.sh ' + CONFIG + ' 2 --work-dir' in line


def test_cfg_options_take_the_seed(capsys):
    multi_seed.main([CONFIG, '--seeds', '2', '--dry-run',
                     '--cfg-options', 'load_from=work/seed{seed}/pruned.pth'])
    line = [l for l in capsys.readouterr().out.splitlines() if l.startswith('$ ')][0]
    assert line.endswith(' load_from=work/seed2/pruned.pth') and '{seed}' not in line


def test_dry_run_plans_seed_major_order(capsys):
    other = osp.join(REPO_ROOT, 'configs', 'sskdnet',
                     'sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e.py')
    assert multi_seed.main([CONFIG, other, '--seeds', '0', '1', '--dry-run']) == []
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith('$ ')]
    assert len(lines) == 4
    assert 'seed0' in lines[0] and 'sskdnet' in lines[1] and 'seed1' in lines[2]


def test_last_metric_and_summary(tmp_path):
    run = tmp_path / '20260101_000000' / 'vis_data'
    run.mkdir(parents=True)
    (run / 'scalars.json').write_text('\n'.join(json.dumps(r) for r in [
        {'loss': 1.0, 'step': 1}, {'accuracy/top1': 80.0, 'step': 1},
        {'accuracy/top1': 90.0, 'step': 2}]))
    assert multi_seed.last_metric(str(tmp_path), 'accuracy/top1') == 90.0
    with pytest.raises(KeyError, match='never logged'):
        multi_seed.last_metric(str(tmp_path), 'zsl/top1')
    rows = [dict(config='a.py', seed=s, metric=m, wall_s=60.) for s, m in ((0, 90.), (1, 92.))]
    table = multi_seed.summary(rows, 'accuracy/top1')
    # mean 91, sample std sqrt(2) = 1.41
    assert '| a.py | 0,1 | 91.00 ± 1.41 | 90.00, 92.00 | 1.0 min |' in table


def test_checkpoint_of_prefers_the_best_validation_checkpoint(tmp_path):
    (tmp_path / 'epoch_10.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_10.pth'))
    assert multi_seed.checkpoint_of(str(tmp_path)) == (str(tmp_path / 'epoch_10.pth'), 'last')
    (tmp_path / 'best_accuracy_top1_epoch_7.pth').write_bytes(b'x')
    assert multi_seed.checkpoint_of(str(tmp_path)) == (
        str(tmp_path / 'best_accuracy_top1_epoch_7.pth'), 'val')
    with pytest.raises(FileNotFoundError, match='no best'):
        multi_seed.checkpoint_of(str(tmp_path / 'missing'))


def test_is_trained_needs_the_final_epoch_checkpoint(tmp_path):
    cfg = Config(dict(train_cfg=dict(max_epochs=20)))
    assert not multi_seed.is_trained(str(tmp_path), cfg)
    (tmp_path / 'epoch_10.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_10.pth'))
    assert not multi_seed.is_trained(str(tmp_path), cfg)
    (tmp_path / 'epoch_20.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_20.pth'))
    assert multi_seed.is_trained(str(tmp_path), cfg)


def test_name_names_the_work_dirs_and_the_records_model(monkeypatch, tmp_path, capsys):
    """--name: one evaluation config run under another name (a probe per pre-training):
    work dirs ROOT/NAME/seed<s> and tools/test.py --model NAME; more configs are an error."""
    import rszoo.utils.records as records
    import rszoo.utils.train_summary as train_summary
    commands = []
    monkeypatch.setattr(multi_seed.subprocess, 'run', lambda cmd, check: commands.append(cmd))
    monkeypatch.setattr(multi_seed, 'checkpoint_of', lambda work_dir: ('ck.pth', 'val'))
    monkeypatch.setattr(train_summary, 'write_training_summary', lambda d: 'summary.json')
    monkeypatch.setattr(records, 'read_records', lambda path: [dict(metrics={'accuracy/top1': 1.})])
    rows = multi_seed.main([CONFIG, '--seeds', '1', '--name', 'probe_of_x', '--record',
                            str(tmp_path / 'r.jsonl'), '--work-dir-root', str(tmp_path)])
    train, test = commands
    assert train[train.index('--work-dir') + 1] == str(tmp_path / 'probe_of_x' / 'seed1')
    assert test[test.index('--model') + 1] == 'probe_of_x'
    assert rows[0]['metric'] == 1.
    with pytest.raises(SystemExit):
        multi_seed.main([CONFIG, CONFIG, '--name', 'x', '--dry-run'])
    assert '--name names the runs of one config' in capsys.readouterr().err


def test_fixed_split_moves_only_the_training_seed(capsys):
    multi_seed.main([CONFIG, '--seeds', '2', '--fixed-split', '--dry-run'])
    line = [l for l in capsys.readouterr().out.splitlines() if l.startswith('$ ')][0]
    assert 'randomness.seed=2' in line and 'split_file' not in line
    assert multi_seed.seed_overrides(Config.fromfile(CONFIG), 2, None) == ['randomness.seed=2']


def test_pretrain_work_dir_puts_the_pretraining_summary_in_the_record(monkeypatch, tmp_path,
                                                                      capsys):
    """--pretrain-work-dir: the probe of seed s reads seed s's pre-training summary (every
    logged term, prefixed pretrain/) into its test record; a missing pre-training fails
    before anything is trained; without --record it is an error."""
    import rszoo.utils.records as records
    import rszoo.utils.train_summary as train_summary
    commands = []
    monkeypatch.setattr(multi_seed.subprocess, 'run', lambda cmd, check: commands.append(cmd))
    monkeypatch.setattr(multi_seed, 'checkpoint_of', lambda work_dir: ('ck.pth', 'last'))
    monkeypatch.setattr(train_summary, 'write_training_summary', lambda d: 'summary.json')
    monkeypatch.setattr(records, 'read_records', lambda path: [dict(metrics={'accuracy/top1': 1.})])
    session = tmp_path / 'pre' / 'seed1' / '20261204_070000'
    (session / 'vis_data').mkdir(parents=True)
    (session / 'vis_data' / 'scalars.json').write_text(json.dumps(
        {'lr': 0.1, 'loss': 2.0, 'diffusion_mse': 0.5, 'time': 0.6, 'epoch': 1, 'iter': 50,
         'step': 50}) + '\n')
    (session / '20261204_070000.log').write_text('2026/12/04 07:10:00 - mmengine - INFO - x\n')
    template = str(tmp_path / 'pre' / 'seed{seed}')
    with pytest.raises(FileNotFoundError, match=r'seed2 \(seed 2\) does not exist'):
        multi_seed.main([CONFIG, '--seeds', '1', '2', '--record', str(tmp_path / 'r.jsonl'),
                         '--work-dir-root', str(tmp_path / 'probes'),
                         '--pretrain-work-dir', template])
    assert commands == []  # nothing trained
    multi_seed.main([CONFIG, '--seeds', '1', '--record', str(tmp_path / 'r.jsonl'),
                     '--work-dir-root', str(tmp_path / 'probes'), '--pretrain-work-dir', template])
    test = commands[-1]
    extra = test[test.index('--extra-metrics') + 1:test.index('--cfg-options')]
    assert extra[0] == 'summary.json'
    assert json.load(open(extra[1])) == {
        'pretrain/train_wall_s': 600.0, 'pretrain/train_loss_mean': 2.0,
        'pretrain/train_loss_last_epoch': 2.0, 'pretrain/train_diffusion_mse_mean': 0.5,
        'pretrain/train_diffusion_mse_last_epoch': 0.5, 'pretrain/train_time_mean': 0.6,
        'pretrain/train_time_last_epoch': 0.6}
    with pytest.raises(SystemExit):
        multi_seed.main([CONFIG, '--pretrain-work-dir', template, '--dry-run'])
    assert '--pretrain-work-dir adds to the test records' in capsys.readouterr().err


def test_resume_continues_a_run_stopped_between_checkpoints(tmp_path, capsys):
    """--resume adds tools/train.py's --resume to a run whose work dir holds a
    checkpoint (last_checkpoint), not to a fresh one."""
    stopped = tmp_path / osp.splitext(osp.basename(CONFIG))[0] / 'seed1'
    stopped.mkdir(parents=True)
    (stopped / 'last_checkpoint').write_text(str(stopped / 'epoch_1.pth'))
    multi_seed.main([CONFIG, '--seeds', '0', '1', '--resume', '--dry-run',
                     '--work-dir-root', str(tmp_path)])
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith('$ ')]
    assert '--resume' not in lines[0].split() and 'seed0' in lines[0]
    assert f'--work-dir {stopped} --resume --cfg-options' in lines[1]
