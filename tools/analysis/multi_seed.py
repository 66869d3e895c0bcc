"""Train one or more configs over several seeds and report mean +- std.

    python tools/analysis/multi_seed.py CONFIG [CONFIG ...] --seeds 0 1 2
        [--work-dir-root work_dirs/multi_seed] [--record RECORDS.jsonl]
        [--metric accuracy/top1] [--split-token seed0] [--nproc N] [--skip-trained] [--resume]
        [--extra-metrics NAME ...] [--name NAME] [--fixed-split] [--dry-run]
        [--pretrain-work-dir DIR] [--cfg-options k=v ...]

For each seed ``s`` (outer loop) and each config (inner loop, so configs
compared with each other share the machine's state of the moment), it runs

    python tools/train.py CONFIG --work-dir ROOT/<config>/seed<s>
        --cfg-options randomness.seed=s
                      {train,val,test}_dataloader.dataset.split_file=<seed s's file>

(with ``--nproc N``, ``bash tools/dist_train.sh CONFIG N`` with the same
arguments: N processes, gloo on CPU), where the seed's split file is the config's with ``--split-token`` (default
``seed0``) replaced by ``seed<s>``: the committed AID splits
``splits/aid/<protocol>_seed{0,1,2}_{train,test}.txt`` are different seeded
draws, so a seed changes both the data split and the training randomness.
A missing split file is an error before anything is trained.

With ``--record FILE`` each trained run is then tested once, on its test
split, by ``tools/test.py CONFIG CKPT --record FILE`` (the same overrides): the
checkpoint is the best validation one (``best_*.pth``, written when the config
sets ``save_best``; ``selected_on='val'``) or else the last one
(``selected_on='last'``), and the results record (``rszoo.utils.records``) is
appended to FILE, with what the training measured (``train_summary.json`` next to
the checkpoints, :mod:`rszoo.utils.train_summary`: its wall time from its log,
the means of logged scalars such as the bytes a communication hook sent) as
extra metrics. ``--skip-trained`` tests, without training again, a run whose
work dir already holds its final checkpoint (a queue stopped halfway goes on);
``--resume`` continues a run stopped between checkpoints from its latest one
(``tools/train.py --resume``, bit for bit on CPU) instead of starting it
again: a long run cut into pieces, one per working session, whose training
summary covers every piece (:func:`rszoo.utils.train_summary.run_sessions`).
``--extra-metrics NAME ...`` adds flat JSON metric files from each run's work dir to its
test record too (e.g. ``epoch_15_complexity.json``, the FLOPs and BOPs that
``picpq_compress.py --export`` measured on the trained model), and ``{seed}`` in a
``--cfg-options`` value is replaced by the run's seed (a per-seed checkpoint or plan).
``--fixed-split`` moves only the training seed (``randomness.seed``), every
split file stays the config's: the run-to-run variance of one training on one
split (e.g. a probe's own variance).
``--name NAME`` (one config) names the runs instead of the config's file name:
their work dirs ``ROOT/NAME/seed<s>`` and their records' ``model``
(``tools/test.py --model NAME``): one evaluation config run on several inputs,
e.g. the linear probe of each pre-training (``configs/swimdiff/README.md``).
``--pretrain-work-dir DIR`` (``{seed}`` replaced) names the run each run starts
from: its training summary, every term it logged and its wall time, goes into
the test record as ``pretrain/<name>``
(:func:`rszoo.utils.train_summary.write_upstream_summary`), so a probe's
record also holds its pre-training's final losses and cost.
Each run's wall time (training, plus testing with
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
    parser.add_argument('--nproc', type=int, default=1,
                        help='train each run on N processes through tools/dist_train.sh '
                             '(the test stays one process)')
    parser.add_argument('--skip-trained', action='store_true',
                        help='do not train a run whose work dir already holds its final '
                             'checkpoint (epoch_<max_epochs>.pth named by last_checkpoint)')
    parser.add_argument('--resume', action='store_true',
                        help='continue a run whose work dir holds a checkpoint but not the '
                             'final one (tools/train.py --resume: bit for bit on CPU) '
                             'instead of training it again from scratch')
    parser.add_argument('--extra-metrics', nargs='+', default=[], metavar='NAME',
                        help="JSON files of flat metrics in each run's work dir, added to "
                             'its test record (with --record)')
    parser.add_argument('--fixed-split', action='store_true',
                        help="move only the training seed; keep the config's split files")
    parser.add_argument('--name',
                        help="the runs' name instead of the config's file name (one config "
                             'only): work dirs ROOT/NAME/seed<s>, records with model NAME')
    parser.add_argument('--pretrain-work-dir', metavar='DIR',
                        help="the work dir of the run each run starts from ('{seed}' "
                             'replaced); its training summary goes into the test record as '
                             "'pretrain/<name>' (with --record)")
    parser.add_argument('--dry-run', action='store_true', help='print the commands only')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help="passed on to every tools/train.py run; '{seed}' in them is "
                             "replaced by the run's seed")
    args = parser.parse_args(argv)
    if args.name and len(args.configs) != 1:
        parser.error(f'--name names the runs of one config; got {len(args.configs)} configs')
    if args.pretrain_work_dir and not args.record:
        parser.error('--pretrain-work-dir adds to the test records: give --record')
    return args


def pretrain_dir(template, seed):
    """The pre-training work dir of seed ``seed`` (``{seed}`` in ``template``
    replaced); an error naming it when it does not exist."""
    path = template.replace('{seed}', str(seed))
    if not osp.isdir(path):
        raise FileNotFoundError(f'--pretrain-work-dir: {path} (seed {seed}) does not exist')
    return path


def _seeded_file(name, key, path, seed, token):
    if token not in path:
        raise ValueError(f'{name}.{key}={path!r} does not contain {token!r}; set --split-token')
    seeded = path.replace(token, f'seed{seed}')
    return seeded


def seed_overrides(cfg, seed, token):
    """``--cfg-options`` entries that move ``cfg`` to seed ``seed`` (``token``
    None: the training seed only, the split files kept).

    Every ``split_file`` of a data loader's dataset, and of the datasets it wraps
    (``dataset.dataset...``, e.g. ``CoresetDataset``), is moved to seed ``s``'s file;
    so is a wrapper's ``index_file`` (a coreset made from seed ``s``'s run)."""
    options = [f'randomness.seed={seed}']
    if token is None:
        return options
    for name in DATALOADERS:
        loader = cfg.get(name)
        if not loader:
            continue
        dataset, key = loader.get('dataset'), f'{name}.dataset'
        while isinstance(dataset, dict):
            split_file = dataset.get('split_file')
            if split_file is not None:
                seeded = _seeded_file(key, 'split_file', split_file, seed, token)
                if not osp.isfile(seeded if osp.isabs(seeded) else osp.join(REPO, seeded)):
                    raise FileNotFoundError(
                        f'{key}: split file {seeded} for seed {seed} does not exist; make it '
                        'with tools/dataset_converters/make_splits.py --seed ' + str(seed))
                options.append(f'{key}.split_file={seeded}')
            index_file = dataset.get('index_file')
            if index_file is not None:  # made by an earlier run: may not exist yet
                options.append(f'{key}.index_file='
                               + _seeded_file(key, 'index_file', index_file, seed, token))
            dataset, key = dataset.get('dataset'), f'{key}.dataset'
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


def is_trained(work_dir, cfg):
    """Whether ``work_dir``'s ``last_checkpoint`` names the final epoch's checkpoint."""
    last = osp.join(work_dir, 'last_checkpoint')
    max_epochs = (cfg.get('train_cfg') or {}).get('max_epochs')
    if max_epochs is None or not osp.isfile(last):
        return False
    with open(last, encoding='utf-8') as f:
        path = f.read().strip()
    return osp.basename(path) == f'epoch_{max_epochs}.pth' and osp.isfile(path)


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
            name = args.name or osp.splitext(osp.basename(path))[0]
            work_dir = osp.join(args.work_dir_root, name, f'seed{seed}')
            if args.nproc > 1:
                launch = ['bash', osp.join(REPO, 'tools', 'dist_train.sh'), path,
                          str(args.nproc)]
            else:
                launch = [sys.executable, osp.join(REPO, 'tools', 'train.py'), path]
            cmd = [*launch, '--work-dir', work_dir, '--cfg-options',
                   *seed_overrides(cfg, seed, None if args.fixed_split else args.split_token),
                   *(option.replace('{seed}', str(seed)) for option in args.cfg_options)]
            if args.pretrain_work_dir:  # fail before training anything
                pretrain_dir(args.pretrain_work_dir, seed)
            plan.append((seed, path, work_dir, cmd))
    rows = []
    for seed, path, work_dir, cmd in plan:
        skip = args.skip_trained and is_trained(work_dir, configs[path])
        if args.resume and not skip and osp.isfile(osp.join(work_dir, 'last_checkpoint')):
            cmd = [*cmd[:cmd.index('--cfg-options')], '--resume',
                   *cmd[cmd.index('--cfg-options'):]]
        print(('# trained already, not trained again: ' if skip else '$ ') + ' '.join(cmd),
              flush=True)
        if args.dry_run:
            continue
        start = time.perf_counter()
        if not skip:
            subprocess.run(cmd, check=True)
        if args.record:
            from rszoo.utils.records import read_records
            from rszoo.utils.train_summary import (write_training_summary,
                                                   write_upstream_summary)
            checkpoint, selected_on = checkpoint_of(work_dir)
            options = cmd[cmd.index('--cfg-options') + 1:]
            test = [sys.executable, osp.join(REPO, 'tools', 'test.py'), path, checkpoint,
                    '--work-dir', work_dir, '--record', args.record,
                    '--selected-on', selected_on, *(['--model', args.name] if args.name else []),
                    '--extra-metrics', write_training_summary(work_dir),
                    *(osp.join(work_dir, name) for name in args.extra_metrics),
                    *([write_upstream_summary(pretrain_dir(args.pretrain_work_dir, seed),
                                              work_dir)] if args.pretrain_work_dir else []),
                    '--cfg-options', *options]
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
