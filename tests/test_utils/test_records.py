"""rszoo.utils.records: the results-records writer (shared/results-records.md)."""
import json
import multiprocessing
import subprocess

import pytest
from mmengine.config import Config

from rszoo.utils import records
from rszoo.utils.records import (RECORD_FIELDS, RecordError, append_record,
                                 make_record, read_records)

CFG_TEXT = """
randomness = dict(seed=1)
data_root = '/data/aid-150px'
train_dataloader = dict(dataset=dict(type='AID', data_root=data_root,
                                     split_file='splits/aid/20-80_seed1_train.txt'))
val_dataloader = dict(dataset=dict(type='AID', data_root=data_root,
                                   split_file='splits/aid/20-80_seed1_test.txt'))
test_dataloader = dict(dataset=dict(type='RepeatDataset', times=1,
                                    dataset=dict(type='AID', data_root=data_root,
                                                 split_file='splits/aid/20-80_seed1_test.txt')))
"""


def _cfg(text=CFG_TEXT):
    return Config.fromstring(text, file_format='.py')


def _record(**kw):
    args = dict(model='m', config='configs/x/m.py', cfg=_cfg(),
                metrics={'accuracy/top1': 91.5, 'confusion_matrix/result': [[1]]},
                eval_split='test', selected_on='last', wall_s=12.34,
                argv=['tools/test.py', 'configs/x/m.py', 'ck.pth', '--record', 'r.jsonl'])
    args.update(kw)
    return make_record(**args)


def test_record_has_exactly_the_convention_fields():
    rec = _record()
    assert tuple(rec) == RECORD_FIELDS
    assert rec['model'] == 'm' and rec['config'] == 'configs/x/m.py'
    assert rec['cfg_sha256'] == records.sha256_text(_cfg().pretty_text)
    assert len(rec['cfg_sha256']) == 64
    assert rec['dataset'] == 'aid-150px'
    assert rec['split'] == {'train': 'splits/aid/20-80_seed1_train.txt',
                            'val': 'splits/aid/20-80_seed1_test.txt',
                            'test': 'splits/aid/20-80_seed1_test.txt'}  # through the wrapper
    assert rec['seed'] == 1  # split seed == training seed
    # flat metrics (the non-scalar confusion matrix dropped), the evaluation split named
    assert rec['metrics'] == {'OA': 91.5, 'accuracy/top1': 91.5}
    assert rec['eval_split'] == 'test'
    assert rec['selected_on'] == 'last'
    assert rec['command'] == ('python tools/test.py configs/x/m.py ck.pth '
                              '--record r.jsonl')
    assert rec['wall_s'] == 12.3
    assert 'CPU cores' in rec['machine']
    assert rec['date'][:4].isdigit() and 'T' in rec['date']


def test_commit_and_dirty_are_the_repo_state(repo_root):
    rec = _record()
    head = subprocess.run(['git', '-C', str(repo_root), 'rev-parse', 'HEAD'],
                          capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip('not a git checkout')
    assert rec['commit'] == head.stdout.strip()
    assert isinstance(rec['dirty'], bool)


def test_dirty_ignores_records_files_only(tmp_path):
    """A records file appended by the tool itself leaves the tree clean; any
    other change (code, a config) makes it dirty."""
    def git(*args):
        subprocess.run(['git', '-C', str(tmp_path), *args], check=True, capture_output=True)
    git('init', '-q')
    for path in ('configs/m/results.jsonl', 'benchmarks/b.jsonl', 'benchmarks/x/c.jsonl',
                 'configs/m/m.py'):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text('x\n')
    git('add', '.')
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x')
    assert records.git_state(str(tmp_path))['dirty'] is False
    for path in ('configs/m/results.jsonl', 'benchmarks/b.jsonl', 'benchmarks/x/c.jsonl'):
        with open(tmp_path / path, 'a') as f:
            f.write('{}\n')
    assert records.git_state(str(tmp_path))['dirty'] is False
    (tmp_path / 'configs/m/m.py').write_text('y\n')
    assert records.git_state(str(tmp_path))['dirty'] is True


def test_outside_git_commit_is_none(tmp_path, monkeypatch):
    monkeypatch.delenv('RSZOO_GIT_COMMIT', raising=False)
    monkeypatch.delenv('RSZOO_GIT_DIRTY', raising=False)
    assert records.git_state(str(tmp_path)) == {'commit': None, 'dirty': None}


def test_outside_git_state_from_environment(tmp_path, monkeypatch):
    """A copy of the tree without .git (sent to another machine) records the
    commit it was copied from when the copier exports it."""
    monkeypatch.setenv('RSZOO_GIT_COMMIT', 'a' * 40)
    monkeypatch.setenv('RSZOO_GIT_DIRTY', '0')
    assert records.git_state(str(tmp_path)) == {'commit': 'a' * 40, 'dirty': False}
    monkeypatch.setenv('RSZOO_GIT_DIRTY', 'yes')  # not 0/1: unknown
    assert records.git_state(str(tmp_path))['dirty'] is None


def test_split_seed_differing_from_training_seed_is_kept():
    cfg = _cfg(CFG_TEXT.replace('seed=1', 'seed=0'))
    assert _record(cfg=cfg)['seed'] == {'train': 0, 'split': 1}


def test_cfg_sha256_follows_the_resolved_config():
    other = _cfg(CFG_TEXT.replace('seed=1', 'seed=2'))
    assert _record()['cfg_sha256'] != _record(cfg=other)['cfg_sha256']


@pytest.mark.parametrize('kw, message', [
    (dict(eval_split='train'), 'evaluation split'),
    (dict(selected_on='test'), 'never chosen on the test split'),
    (dict(metrics={'confusion_matrix/result': [[1]]}), 'no scalar metric'),
])
def test_bad_records_are_refused(kw, message):
    with pytest.raises(RecordError, match=message):
        _record(**kw)


def test_descriptive_fields_follow_and_unknown_fields_are_refused():
    rec = _record(extra={'method': 'RX', 'scene': 'abu-beach-3'})
    assert tuple(rec) == RECORD_FIELDS + ('method', 'scene')
    with pytest.raises(RecordError, match="unexpected \\['sceen'\\]"):
        _record(extra={'sceen': 'abu-beach-3'})


def test_nested_metrics_are_refused():
    rec = _record()
    rec['metrics'] = {'test': {'OA': 91.5}}  # the format before flat metrics
    with pytest.raises(RecordError, match='metric names to numbers'):
        records.validate_record(rec)


def test_append_and_read_back(tmp_path):
    path = tmp_path / 'sub' / 'r.jsonl'
    append_record(path, _record(model='a'))
    append_record(path, _record(model='b'))
    with open(path, 'a') as f:  # an older ad-hoc line in the same file is skipped
        f.write(json.dumps({'config': 'x', 'metric': 1.0}) + '\n')
    assert [r['model'] for r in read_records(path)] == ['a', 'b']
    assert [r['model'] for r in read_records(path, model='b')] == ['b']
    with pytest.raises(RecordError, match='missing'):
        append_record(path, {'model': 'a'})


def test_read_records_names_a_broken_line(tmp_path):
    path = tmp_path / 'r.jsonl'
    path.write_text('{"model": \n')
    with pytest.raises(RecordError, match=r'r\.jsonl:1'):
        read_records(path)


def _append_many(args):
    path, worker = args
    rec = _record(model=f'w{worker}', wall_s=float(worker))
    for _ in range(50):
        append_record(path, rec)


def test_concurrent_appends_never_interleave(tmp_path):
    path = str(tmp_path / 'r.jsonl')
    with multiprocessing.get_context('fork').Pool(4) as pool:
        pool.map(_append_many, [(path, w) for w in range(4)])
    lines = open(path).read().splitlines()
    assert len(lines) == 200
    rows = [json.loads(line) for line in lines]  # every line is whole JSON
    assert sorted({r['model'] for r in rows}) == ['w0', 'w1', 'w2', 'w3']


def test_a_coreset_training_set_is_named_in_the_train_field():
    text = CFG_TEXT.replace(
        "train_dataloader = dict(dataset=dict(type='AID', data_root=data_root,\n"
        "                                     split_file='splits/aid/20-80_seed1_train.txt'))",
        "train_dataloader = dict(dataset=dict(type='CoresetDataset', index_file='c/tdds_keep30.json',"
        " dataset=dict(type='AID', data_root=data_root,"
        " split_file='splits/aid/20-80_seed1_train.txt')))")
    rec = _record(cfg=_cfg(text))
    assert rec['split']['train'] == 'splits/aid/20-80_seed1_train.txt'
    assert rec['train'] == 'CoresetDataset of the train split: c/tdds_keep30.json'
    assert 'train' not in _record()


def test_extra_metrics_file_is_checked_and_never_overwrites(tmp_path):
    good = tmp_path / 'summary.json'
    good.write_text(json.dumps({'train_wall_s': 412, 'train_comm_bytes_mean': 8.5e5}))
    extra = records.load_metrics_file(str(good))
    assert extra == {'train_wall_s': 412.0, 'train_comm_bytes_mean': 850000.0}
    merged = records.merge_metrics({'accuracy/top1': 50.0}, extra)
    assert _record(metrics=merged)['metrics'] == {'OA': 50.0, 'accuracy/top1': 50.0,
                                                  'train_wall_s': 412.0,
                                                  'train_comm_bytes_mean': 850000.0}
    with pytest.raises(RecordError, match=r"\['train_wall_s'\] are both evaluated"):
        records.merge_metrics({'train_wall_s': 1.0}, extra)
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps({'train_wall_s': 'slow'}))
    with pytest.raises(RecordError, match="bad.json: metric 'train_wall_s' must be a number"):
        records.load_metrics_file(str(bad))
    bad.write_text('[1, 2]')
    with pytest.raises(RecordError, match='must hold a JSON object'):
        records.load_metrics_file(str(bad))
    with pytest.raises(FileNotFoundError, match='missing.json does not exist'):
        records.load_metrics_file(str(tmp_path / 'missing.json'))
