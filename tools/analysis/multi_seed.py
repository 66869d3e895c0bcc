"""Train one or more configs over several seeds and report mean +- std.

    python tools/analysis/multi_seed.py CONFIG [CONFIG ...] --seeds 0 1 2
        [--work-dir-root work_dirs/multi_seed] [--record RECORDS.jsonl]
        [--metric accuracy/top1] [--split-token seed0] [--dry-run]
        [--cfg-options k=v ...]

For each seed ``s`` (outer loop) and each config (inner loop, so configs
compared with each other share the machine's state of the moment), it runs

    python tools/train.py CONFIG --work-dir ROOT/<config>/seed<s>
        --cfg-options randomness.seed=s
                      {train,val,test}_dataloader.dataset.split_file=<seed s's file>

where the seed's split file is the config's with ``--split-token`` (default
``seed0``) replaced by ``seed<s>``: the committed AID splits
``splits/aid/<protocol>_seed{0,1,2}_{train,test}.txt`` are different seeded
draws, so a seed changes both the data split and the training randomness.
A missing split file is an error before anything is trained.

With ``--record FILE`` each trained run is then tested once, on its test
split, by ``tools/test.py CONFIG CKPT --record FILE`` (the same overrides): the
checkpoint is the best validation one (``best_*.pth``, written when the config
sets ``save_best``; ``selected_on='val'``) or else the last one
(``selected_on='last'``), and the results record (``rszoo.utils.records``) is
appended to FILE. Each run's wall time (training, plus testing with
``--record``) and its ``--metric`` value (the test record's with ``--record``,
else the last value in mmengine's ``vis_data/scalars.json``) are printed and
summarised per config as mean +- sample standard deviation (n - 1) over the
seeds, as a markdown table.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time

from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train configs over seeds; mean +- std')
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir-root', default='work_dirs/multi_seed')
    parser.add_argument('--record', metavar='FILE',
                        help='test each run once on its test split and append its results '
                             'record to FILE (tools/test.py --record)')
    parser.add_argument('--metric', default='accuracy/top1',
                        help='the scalar to report (a key of vis_data/scalars.json)')
    parser.add_argument('--split-token', default='seed0',
                        help="the part of the config's split_file names replaced by "
                        "'seed<s>'")
    parser.add_argument('--dry-run', action='store_true', help='print the commands only')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='passed on to every tools/train.py run')
    return parser.parse_args(argv)


def seed_overrides(cfg, seed, token):
    """``--cfg-options`` entries that move ``cfg`` to seed ``seed``."""
    options = [f'randomness.seed={seed}']
    for name in DATALOADERS:
        loader = cfg.get(name)
        if not loader:
            continue
        split_file = loader.get('dataset', {}).get('split_file')
        if split_file is None:
            continue
        if token not in split_file:
            raise ValueError(f'{name}.dataset.split_file={split_file!r} does not contain '
                             f'{token!r}; set --split-token')
        seeded = split_file.replace(token, f'seed{seed}')
        if not osp.isfile(seeded if osp.isabs(seeded) else osp.join(REPO, seeded)):
            raise FileNotFoundError(f'{name}: split file {seeded} for seed {seed} does not '
                                    'exist; make it with tools/dataset_converters/'
                                    'make_splits.py --seed ' + str(seed))
        options.append(f'{name}.dataset.split_file={seeded}')
    return options


def last_metric(work_dir, metric):
    """The last value of ``metric`` in ``work_dir/*/vis_data/scalars.json``."""
    runs = sorted(d for d in os.listdir(work_dir)
                  if osp.isfile(osp.join(work_dir, d, 'vis_data', 'scalars.json')))
    if not runs:
        raise FileNotFoundError(f'no vis_data/scalars.json under {work_dir}')
    value = None
    with open(osp.join(work_dir, runs[-1], 'vis_data', 'scalars.json')) as f:
        for line in f:
            record = json.loads(line)
            if metric in record:
                value = record[metric]
    if value is None:
        raise KeyError(f'{metric!r} never logged in {work_dir}/{runs[-1]}')
    return value


def checkpoint_of(work_dir):
    """``(path, selected_on)``: the best validation checkpoint when there is
    one, else the last one (named by ``last_checkpoint``)."""
    import glob
    best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
    if best:
        return best[-1], 'val'
    last = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(last):
        raise FileNotFoundError(f'no best_*.pth and no last_checkpoint in {work_dir}')
    with open(last, encoding='utf-8') as f:
        return f.read().strip(), 'last'


def summary(rows, metric):
    lines = [f'| config | seeds | {metric} (mean ± std) | per seed | wall time (mean) |',
             '|---|---|---:|---|---:|']
    for config in dict.fromkeys(r['config'] for r in rows):
        mine = [r for r in rows if r['config'] == config]
        values = [r['metric'] for r in mine]
        std = statistics.stdev(values) if len(values) > 1 else float('nan')
        wall = statistics.fmean(r['wall_s'] for r in mine) / 60
        lines.append(f'| {osp.basename(config)} | {",".join(str(r["seed"]) for r in mine)} '
                     f'| {statistics.fmean(values):.2f} ± {std:.2f} '
                     f'| {", ".join(f"{v:.2f}" for v in values)} | {wall:.1f} min |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    configs = {path: Config.fromfile(path) for path in args.configs}
    plan = []
    for seed in args.seeds:  # fail on a missing split before training anything
        for path, cfg in configs.items():
            name = osp.splitext(osp.basename(path))[0]
            work_dir = osp.join(args.work_dir_root, name, f'seed{seed}')
            cmd = [sys.executable, osp.join(REPO, 'tools', 'train.py'), path,
                   '--work-dir', work_dir, '--cfg-options',
                   *seed_overrides(cfg, seed, args.split_token), *args.cfg_options]
            plan.append((seed, path, work_dir, cmd))
    rows = []
    for seed, path, work_dir, cmd in plan:
        print('$ ' + ' '.join(cmd), flush=True)
        if args.dry_run:
            continue
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        if args.record:
            from rszoo.utils.records import read_records
            checkpoint, selected_on = checkpoint_of(work_dir)
            options = cmd[cmd.index('--cfg-options') + 1:]
            test = [sys.executable, osp.join(REPO, 'tools', 'test.py'), path, checkpoint,
                    '--work-dir', work_dir, '--record', args.record,
                    '--selected-on', selected_on, '--cfg-options', *options]
            print('$ ' + ' '.join(test), flush=True)
            subprocess.run(test, check=True)
            value = read_records(args.record)[-1]['metrics'][args.metric]
        else:
            value = last_metric(work_dir, args.metric)
        row = dict(config=path, seed=seed, metric=value,
                   wall_s=round(time.perf_counter() - start, 1))
        print(json.dumps(row), flush=True)
        rows.append(row)
    if rows:
        print(summary(rows, args.metric))
    return rows


if __name__ == '__main__':
    main()
