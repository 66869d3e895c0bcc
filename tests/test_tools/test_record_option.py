"""``--record FILE`` of tools/train.py and tools/test.py: one results record per run."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rszoo.utils.records import (RECORD_FIELDS, TRAINING_VALIDATION, read_records,
                                 sha256_text)
from rszoo.utils.train_summary import write_training_summary

from conftest import load_tool

REPO = Path(__file__).resolve().parents[2]
TINY = 'tests/configs/tiny_resnet_aid150.py'


def run(args):
    out = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                         timeout=600, env=dict(os.environ, PYTHONUNBUFFERED='1'))
    assert out.returncode == 0, f'{args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}'
    return out


def test_train_and_test_append_records(aid_root, tmp_path):
    records = tmp_path / 'bench' / 'tiny.jsonl'
    work_dir = tmp_path / 'work'
    run(['tools/train.py', TINY, '--work-dir', str(work_dir), '--record', str(records),
         '--cfg-options', 'train_cfg.max_epochs=1'])
    summary = write_training_summary(str(work_dir))  # what tools/analysis/multi_seed.py adds
    other = tmp_path / 'complexity.json'  # e.g. picpq_compress.py --export's totals
    other.write_text('{"bops": 1024}')
    run(['tools/test.py', TINY, str(work_dir / 'epoch_1.pth'), '--work-dir', str(work_dir),
         '--record', str(records), '--model', 'tiny_published', '--extra-metrics', summary,
         str(other)])
    trained, tested = read_records(records)
    assert tuple(tested) == RECORD_FIELDS
    assert tuple(trained) == RECORD_FIELDS + ('variant', )  # not a headline (test) figure
    assert trained['variant'] == TRAINING_VALIDATION

    assert trained['model'] == 'tiny_resnet_aid150'  # the config stem by default
    assert trained['eval_split'] == 'val' and trained['selected_on'] == 'last'
    assert trained['config'] == TINY and trained['dataset'] == 'aid-150px'
    assert trained['command'].startswith(f'python tools/train.py {TINY} ')
    assert '--cfg-options train_cfg.max_epochs=1' in trained['command']

    assert tested['model'] == 'tiny_published'
    assert tested['eval_split'] == 'test'
    assert tested['metrics']['OA'] == tested['metrics']['accuracy/top1']
    assert tested['split']['test'] == 'tests/data/splits/aid_tiny_test.txt'
    assert 0 <= tested['metrics']['OA'] <= 100
    assert len(tested['cfg_sha256']) == 64 and tested['cfg_sha256'] != sha256_text('')
    assert tested['wall_s'] > 0 and 'CPU cores' in tested['machine']
    # the training's own figures, from its log, next to the test metrics
    assert tested['metrics']['train_wall_s'] >= 0 and tested['metrics']['train_time_mean'] > 0
    assert tested['metrics']['bops'] == 1024  # every --extra-metrics file


def test_train_with_test_scores_the_final_weights_like_test_py(aid_root, tmp_path):
    """``tools/train.py --test``: a config with no validation loop (the 20/80 bases train
    on the whole share) is tested once after training; the figure equals tools/test.py's
    on the final checkpoint, and ``--record`` records that test (selected on "last")."""
    records, work_dir = tmp_path / 'tiny.jsonl', tmp_path / 'work'
    no_val = ['val_dataloader=None', 'val_evaluator=None', 'val_cfg=None']
    out = run(['tools/train.py', TINY, '--work-dir', str(work_dir), '--test', '--record',
               str(records), '--cfg-options', 'train_cfg.max_epochs=1', *no_val])
    assert 'final validation' not in out.stdout  # no validation loop ran
    trained_oa = float(out.stdout.split('rszoo: OA = ')[1].split('%')[0])
    run(['tools/test.py', TINY, str(work_dir / 'epoch_1.pth'), '--work-dir', str(work_dir),
         '--record', str(records)])
    from_train, from_test = read_records(records)
    assert from_train['eval_split'] == from_test['eval_split'] == 'test'
    assert from_train['selected_on'] == 'last' and 'variant' not in from_train
    assert from_train['split']['test'] == 'tests/data/splits/aid_tiny_test.txt'
    assert round(from_train['metrics']['OA'], 2) == trained_oa
    assert from_train['metrics']['OA'] == from_test['metrics']['OA']
    # wall_s is the test's (as tools/test.py's); the training's is a metric
    assert 0 < from_train['wall_s'] < from_train['metrics']['train_wall_s']


def test_train_with_test_needs_a_test_loader(tmp_path, monkeypatch):
    """``--test`` on a config with no test loader fails before training, naming it."""
    from mmengine.config import Config
    monkeypatch.setenv('RSZOO_DEFAULT_MALLOC', '1')  # tools/train.py without its re-exec
    train_tool = load_tool('tools/train.py', 'rszoo_train_tool')
    args = train_tool.parse_args([TINY, '--test', '--work-dir', str(tmp_path), '--cfg-options',
                                  'test_dataloader=None'])
    with pytest.raises(ValueError, match=r'--test: the config .* has no test_dataloader'):
        train_tool.merge_args(Config.fromfile(TINY), args)
