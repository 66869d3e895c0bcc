"""Training curves and iteration times from mmengine's JSON logs, as
mmpretrain's ``tools/analysis_tools/analyze_logs.py`` gives them.

    python tools/analysis/analyze_logs.py plot_curve LOG [LOG ...] \
        [--keys loss accuracy/top1] [--legend run-a run-b] [--title T] --out curves.png
    python tools/analysis/analyze_logs.py cal_train_time LOG [LOG ...] [--include-outliers]

A LOG is mmengine's ``<work_dir>/<timestamp>/vis_data/<timestamp>.json`` (or
``scalars.json``; one JSON dict per logged line), or a work dir, whose newest
``*/vis_data/<timestamp>.json`` is taken. Lines with ``lr`` are training
lines (``loss``, ``lr``, ``time``, ``epoch``, ``iter``, ``step``), the others
validation lines (``accuracy/top1``, ..., ``step`` = the epoch of an
epoch-based run, the iteration of an iteration-based one).

``plot_curve`` draws one panel per key, one line per log (a legend name per
log, or per log and key as in mmpretrain; default: the name of the file or
work dir given). The x-axis is in epochs when the
training lines carry ``epoch`` (a training line at step ``s`` sits at
``s / iters_per_epoch``, ``iters_per_epoch`` = last step / last epoch, as in
mmpretrain), in iterations otherwise. Without ``--out`` the PNG goes to
``<first log's folder>/curves.png``. ``cal_train_time`` prints the slowest,
fastest and mean time per iteration of each epoch (the first logged
iteration of each epoch, which includes data-loader start-up, is left out
unless ``--include-outliers``).
"""
import argparse
import glob
import json
import os.path as osp
from itertools import groupby

import matplotlib

matplotlib.use('Agg')

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from rszoo.visualization import save_figure  # noqa: E402

_NOT_METRICS = {'step', 'epoch', 'iter'}


def find_json_log(path):
    """``path`` if a file, else the newest ``<path>/*/vis_data/<timestamp>.json``."""
    if osp.isfile(path):
        return path
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path}: no such log file or work dir')
    logs = [p for p in glob.glob(osp.join(path, '*', 'vis_data', '*.json'))
            if osp.basename(p) != 'scalars.json']
    if not logs:
        raise FileNotFoundError(f'{path} has no */vis_data/<timestamp>.json log (give the '
                                'JSON file itself, or the work dir of an mmengine run)')
    return max(logs)  # timestamps sort in time order


def load_json_log(path):
    """``{'train': [dict, ...], 'val': [dict, ...]}`` from one JSON-lines log.

    Raises:
        ValueError: a line is not a JSON object (names the file and line).
    """
    log = dict(train=[], val=[])
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}:{number} is not a JSON line ({error}); is this an '
                                 'mmengine vis_data/*.json log?') from None
            if not isinstance(record, dict):
                raise ValueError(f'{path}:{number} is not a JSON object')
            log['train' if 'lr' in record else 'val'].append(record)
    return log


def _keys(records):
    return sorted(set().union(*(r.keys() for r in records)) - _NOT_METRICS) if records else []


def curve(log, key):
    """``(xs, ys, x_label)`` of ``key`` in one loaded log (see the module doc).

    Raises:
        ValueError: ``key`` is in neither the training nor the validation lines;
            the message lists the keys there are.
    """
    train, val = log['train'], log['val']
    by_epoch = bool(train) and 'epoch' in train[-1]
    if any(key in r for r in val):
        records = [r for r in val if key in r]
        xs = np.array([r['step'] for r in records], dtype=float)
    elif any(key in r for r in train):
        records = [r for r in train if key in r]
        xs = np.array([r['step'] for r in records], dtype=float)
        if by_epoch:
            xs = xs / (train[-1]['step'] / train[-1]['epoch'])
    else:
        raise ValueError(f'"{key}" is not in the log; training keys: {_keys(train)}, '
                       f'validation keys: {_keys(val)}')
    ys = np.array([r[key] for r in records], dtype=float)
    return xs, ys, 'epoch' if by_epoch else 'iteration'


def _legends(args):
    given = getattr(args, 'given_logs', args.json_logs)
    names = [osp.splitext(osp.basename(osp.normpath(p)))[0] for p in given]
    if args.legend is None:
        return [[name] * len(args.keys) for name in names]
    if len(args.legend) == len(args.json_logs):
        return [[name] * len(args.keys) for name in args.legend]
    if len(args.legend) == len(args.json_logs) * len(args.keys):
        it = iter(args.legend)
        return [[next(it) for _ in args.keys] for _ in args.json_logs]
    raise ValueError(f'--legend: give one name per log ({len(args.json_logs)}) or one per '
                     f'log and key ({len(args.json_logs) * len(args.keys)}), got '
                     f'{len(args.legend)}')


def plot_curve(logs, args):
    """One panel per key, one line per log; returns the figure."""
    legends = _legends(args)
    width, height = (float(v) for v in args.window_size.split('*'))
    fig = Figure(figsize=(width, height * len(args.keys)))
    axes = fig.subplots(len(args.keys), 1, squeeze=False)[:, 0]
    for ax, (k, key) in zip(axes, enumerate(args.keys)):
        for log, path, names in zip(logs, args.json_logs, legends):
            try:
                xs, ys, x_label = curve(log, key)
            except ValueError as error:
                raise ValueError(f'{path}: {error}') from None
            ax.plot(xs, ys, linewidth=0.9, marker='o' if len(xs) < 30 else None,
                    markersize=3, label=names[k])
        ax.set_xlabel(x_label)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if args.title:
        axes[0].set_title(args.title)
    fig.tight_layout()
    return fig


def cal_train_time(logs, args):
    """Per log: ``{'mean': s/iter, 'slowest_epoch', 'fastest_epoch', 'std_over_epochs'}``
    (the epoch fields only for epoch-based logs), printed as mmpretrain does."""
    results = []
    for log, path in zip(logs, args.json_logs):
        train = [r for r in log['train'] if 'time' in r]
        if not train:
            raise ValueError(f'{path} has no training lines with "time"')
        print(f'-----Analyze train time of {path}-----')
        result = {}
        if 'epoch' in train[0]:
            means = {}
            for epoch, records in groupby(train, key=lambda r: r['epoch']):
                times = [r['time'] for r in records]
                if not args.include_outliers and len(times) > 1:
                    times = times[1:]
                means[epoch] = float(np.mean(times))
            slowest, fastest = max(means, key=means.get), min(means, key=means.get)
            result.update(slowest_epoch=slowest, fastest_epoch=fastest,
                          std_over_epochs=float(np.std(list(means.values()))))
            print(f'slowest epoch {slowest}, average time is {means[slowest]:.4f}')
            print(f'fastest epoch {fastest}, average time is {means[fastest]:.4f}')
            print(f'time std over epochs is {result["std_over_epochs"]:.4f}')
        result['mean'] = float(np.mean([r['time'] for r in train]))
        print(f'average iter time: {result["mean"]:.4f} s/iter\n')
        results.append(result)
    return results


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Analyze mmengine JSON logs')
    sub = parser.add_subparsers(dest='task', required=True)
    plot = sub.add_parser('plot_curve', help='plot loss / metric curves to a PNG')
    plot.add_argument('json_logs', nargs='+', help='vis_data/<timestamp>.json files or work dirs')
    plot.add_argument('--keys', nargs='+', default=['loss'],
                      help='what to plot, e.g. loss lr accuracy/top1 (one panel each)')
    plot.add_argument('--legend', nargs='+', help='one name per log (or per log and key)')
    plot.add_argument('--title', help='title of the figure')
    plot.add_argument('--out', help='output image (default: <first log folder>/curves.png)')
    plot.add_argument('--window-size', default='8*3.5',
                      help='size of one panel in inches, "W*H"')
    timing = sub.add_parser('cal_train_time', help='time per training iteration')
    timing.add_argument('json_logs', nargs='+', help='vis_data/<timestamp>.json files or work dirs')
    timing.add_argument('--include-outliers', action='store_true',
                        help='keep the first logged iteration of each epoch')
    args = parser.parse_args(argv)
    window = getattr(args, 'window_size', '1*1').split('*')
    try:
        if len(window) != 2 or min(float(v) for v in window) <= 0:
            raise ValueError
    except ValueError:
        parser.error(f'--window-size must be "W*H" in inches, got {args.window_size!r}')
    return args


def main(argv=None):
    args = parse_args(argv)
    args.given_logs = args.json_logs  # default legend: the file or work dir name given
    args.json_logs = [find_json_log(p) for p in args.json_logs]
    logs = [load_json_log(p) for p in args.json_logs]
    if args.task == 'cal_train_time':
        return cal_train_time(logs, args)
    out = args.out or osp.join(osp.dirname(args.json_logs[0]), 'curves.png')
    save_figure(plot_curve(logs, args), out)
    print(f'saved the curves of {args.keys} to {out}')
    return out


if __name__ == '__main__':
    main()
