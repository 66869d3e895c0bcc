"""Evaluate a checkpoint on a config's test set, as mmpretrain's ``tools/test.py`` does.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out preds.pkl|.json]
        [--confusion-matrix cm.png] [--show-dir DIR] [--cfg-options k=v ...] [--launcher pytorch]
        [--record FILE [--model NAME] [--selected-on last|val] [--extra-metrics JSON [JSON ...]]]

The checkpoint is loaded strictly: a key or shape that does not match the model is an error.
``--record FILE`` appends a results record (:mod:`rszoo.utils.records`) of the test-split
metrics to FILE; that record is what a metafile's ``Results`` for the model come from.
"""
import argparse
import os
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from rszoo.utils.cpu_tuning import reexec_with_tuned_malloc  # noqa: E402

reexec_with_tuned_malloc()

import mmengine  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.evaluator import DumpResults  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.registry import RUNNERS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from rszoo.utils import init_cpu_distributed, register_all_modules  # noqa: E402
from rszoo.utils.config_utils import (apply_dataloader_defaults,  # noqa: E402
                                      default_work_dir, merge_cfg_options)
from rszoo.utils.records import (SELECTED_ON, append_record, argv_of,  # noqa: E402
                                 load_metrics_file, make_record, merge_metrics)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test (evaluate) a model with rszoo')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs and results')
    parser.add_argument('--out', help='dump the per-image predictions (.pkl, .pickle or .json)')
    parser.add_argument(
        '--confusion-matrix', metavar='PNG',
        help='also compute the confusion matrix and save its plot to this file')
    parser.add_argument(
        '--show-dir', help='save images with their predicted labels to this folder')
    parser.add_argument('--show', action='store_true', help='show the visualised results')
    parser.add_argument('--interval', type=int, default=1, help='visualise every N-th sample')
    parser.add_argument('--wait-time', type=float, default=2)
    parser.add_argument('--no-persistent-workers', action='store_true')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument(
        '--record', metavar='FILE',
        help='append a results record of the test metrics to this JSON-lines file')
    parser.add_argument(
        '--model', metavar='NAME',
        help="the metafile model name of the record (default: the config's stem)")
    parser.add_argument(
        '--selected-on', choices=SELECTED_ON,
        help='how CHECKPOINT was chosen, for the record (default: "val" for a '
        'best_*.pth checkpoint, else "last")')
    parser.add_argument(
        '--extra-metrics', metavar='JSON', nargs='+',
        help='JSON files of flat numeric metrics measured outside the test (the '
        'train_summary.json of tools/analysis/multi_seed.py: bytes sent per step, training '
        'wall time; the <stem>_complexity.json of picpq_compress.py --export: FLOPs, BOPs), '
        'added to the record\'s metrics; a name reported twice is an error')
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    if args.out and osp.splitext(args.out)[1] not in ('.pkl', '.pickle', '.json'):
        parser.error(f'--out must end in .pkl, .pickle or .json, got {args.out}')
    return args


def merge_args(cfg, args):
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = default_work_dir(args.config)
    # loaded strictly below, not through load_from (which tolerates mismatches)
    cfg.load_from = None
    cfg.resume = False
    if args.show or args.show_dir:
        vis = cfg.default_hooks.visualization
        vis.enable = True
        vis.show = args.show
        vis.wait_time = args.wait_time
        vis.interval = args.interval
        vis.out_dir = args.show_dir
    apply_dataloader_defaults(cfg, args.no_persistent_workers)
    merge_cfg_options(cfg, args.cfg_options)
    return cfg


class ConfusionMatrixPlot(Hook):
    """Save the plot of the ``confusion_matrix/result`` metric after testing."""

    def __init__(self, out_file, classes):
        self.out_file = out_file
        self.classes = classes

    def after_test_epoch(self, runner, metrics=None):
        from mmpretrain.evaluation import ConfusionMatrix
        if runner.rank != 0 or not metrics or 'confusion_matrix/result' not in metrics:
            return
        fig = ConfusionMatrix.plot(
            metrics.pop('confusion_matrix/result'), classes=self.classes, include_values=False,
            show=False)
        mmengine.mkdir_or_exist(osp.dirname(osp.abspath(self.out_file)))
        fig.savefig(self.out_file, dpi=150, bbox_inches='tight')
        runner.logger.info(f'confusion matrix saved to {self.out_file}')


def main(argv=None):
    start = time.perf_counter()
    args = parse_args(argv)
    register_all_modules()
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    init_cpu_distributed(cfg, args.launcher)
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} does not exist')

    if args.confusion_matrix:
        evaluators = cfg.test_evaluator
        evaluators = list(evaluators) if isinstance(evaluators, (list, tuple)) else [evaluators]
        cfg.test_evaluator = evaluators + [dict(type='ConfusionMatrix')]

    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    runner.load_checkpoint(args.checkpoint, map_location='cpu', strict=True)
    if args.out:
        runner.test_evaluator.metrics.append(DumpResults(out_file_path=args.out))
    if args.confusion_matrix:
        classes = runner.test_dataloader.dataset.metainfo.get('classes')
        runner.register_hook(ConfusionMatrixPlot(args.confusion_matrix, classes), 'LOW')
    metrics = runner.test()
    if runner.rank == 0 and 'accuracy/top1' in metrics:
        print(f'rszoo: OA = {metrics["accuracy/top1"]:.2f}%', flush=True)
    if args.record and runner.rank == 0:
        selected_on = args.selected_on or (
            'val' if osp.basename(args.checkpoint).startswith('best') else 'last')
        recorded = dict(metrics)
        for path in args.extra_metrics or ():
            recorded = merge_metrics(recorded, load_metrics_file(path))
        record = make_record(
            model=args.model or osp.splitext(osp.basename(args.config))[0],
            config=args.config, cfg=cfg, metrics=recorded, eval_split='test',
            selected_on=selected_on, wall_s=time.perf_counter() - start,
            argv=argv_of(argv))
        append_record(args.record, record)
        print(f'rszoo: record appended to {args.record}', flush=True)
    return metrics


if __name__ == '__main__':
    main()
