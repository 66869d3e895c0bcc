"""Rewrite results records of the first format (nested ``metrics``) into the
current one, in place.

    python tools/misc/upgrade_records.py [FILE.jsonl ...]   # default: all records

Until 2026-12-02 ``rszoo.utils.records`` wrote ``"metrics": {"test": {"OA":
91.2}}``; the convention (``shared/results-records.md``) and the tools that read
records expect flat metrics, ``"metrics": {"OA": 91.2}``, with the split
evaluated named beside them (``"eval_split": "test"``). Per line this tool

- flattens ``metrics`` and adds ``eval_split`` (the one key of the old dict);
- adds ``method`` and ``scene`` to the per-scene anomaly-detection records of
  ``tools/analysis/had_protocol.py`` (the scene was ``split.test``, the method
  is fixed by the model name);
- marks the validation records of ``tools/train.py --record`` as
  ``variant = TRAINING_VALIDATION`` (not the model's headline test figure);
- notes what it did in ``migrated``.

Every other field (commit, command, wall time, ...) is kept as the tool that ran
wrote it; lines that are already current or are not records stay as they are.
Each file is rewritten atomically.
"""
import argparse
import glob
import json
import os.path as osp

from rszoo.fileio import REPO_ROOT, atomic_write_bytes
from rszoo.utils.records import (EVAL_SPLITS, EXTRA_FIELDS, RECORD_FIELDS,
                                 TRAINING_VALIDATION, validate_record)

#: had_protocol's models -> the ``method`` of their records
HAD_METHODS = {'rx_had-abu-hydice-sandiego': 'RX',
               'stad_c50_16px_had-loso': 'STAD',
               'stad_c50_16px_had-loso_stf-on-inputs': 'STAD (STF on inputs)'}
NOTE = ('metrics {split: {...}} flattened to {...} + eval_split '
        '(tools/misc/upgrade_records.py, 2026-12-02)')


def upgrade(row):
    """The current form of ``row``, or None when it needs no change."""
    metrics = row.get('metrics')
    nested = (isinstance(metrics, dict) and len(metrics) == 1
              and next(iter(metrics)) in EVAL_SPLITS
              and isinstance(next(iter(metrics.values())), dict))
    training = (row.get('eval_split', next(iter(metrics or {'': 0}))) == 'val'
                and 'tools/train.py' in str(row.get('command'))
                and not row.get('variant'))
    if not nested and not training:
        return None
    new, notes = dict(row), []
    if nested:
        (eval_split, flat), = metrics.items()
        new.update(metrics=flat, eval_split=eval_split)
        notes.append(NOTE)
        if row.get('model') in HAD_METHODS and isinstance(row.get('split'), dict):
            new['method'] = HAD_METHODS[row['model']]
            new['scene'] = row['split']['test']
            notes.append('method from the model name, scene = split.test')
    if training:
        new['variant'] = TRAINING_VALIDATION
        notes.append('variant: a tools/train.py validation record')
    new['migrated'] = '; '.join(filter(None, [row.get('migrated')] + notes))
    ordered = {k: new[k] for k in RECORD_FIELDS}
    ordered.update({k: new[k] for k in EXTRA_FIELDS if k in new})
    validate_record(ordered)
    return ordered


def upgrade_file(path):
    """Rewrite ``path``; returns the number of lines changed."""
    lines, changed = [], 0
    with open(path, encoding='utf-8') as f:
        for line in f:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                row = None
            new = upgrade(row) if isinstance(row, dict) else None
            if new is None:
                lines.append(line if line.endswith('\n') else line + '\n')
            else:
                lines.append(json.dumps(new, ensure_ascii=False) + '\n')
                changed += 1
    if changed:
        atomic_write_bytes(''.join(lines).encode('utf-8'), path)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('files', nargs='*', help='record files (default: '
                        'benchmarks/**/*.jsonl and configs/**/*.jsonl)')
    args = parser.parse_args(argv)
    files = args.files or sorted(
        glob.glob(osp.join(REPO_ROOT, 'benchmarks', '**', '*.jsonl'), recursive=True)
        + glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.jsonl'), recursive=True))
    for path in files:
        changed = upgrade_file(path)
        if changed:
            print(f'upgrade_records: {osp.relpath(path, REPO_ROOT)}: {changed} records')


if __name__ == '__main__':
    main()
