"""Train a model from a config, as mmpretrain's ``tools/train.py`` does.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--auto-scale-lr] [--no-validate] [--test] [--record FILE [--model NAME]]
        [--cfg-options k=v ...] [--launcher pytorch]

``--test`` scores the weights the training ends with (the last epoch) once on the
config's ``test_dataloader`` after training, as ``tools/test.py`` would with the final
checkpoint: the way to evaluate a config that trains on a protocol's whole training
share and therefore has no validation loop. A best-on-validation checkpoint is tested
with ``tools/test.py CONFIG best_*.pth``.

Distributed: ``bash tools/dist_train.sh CONFIG NUM_PROCS`` (gloo on CPU, nccl on GPU).
The process restarts itself once with the tuned glibc allocator settings
(2x CPU throughput; ``RSZOO_DEFAULT_MALLOC=1`` opts out).
"""
import argparse
import os
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from rszoo.utils.cpu_tuning import reexec_with_tuned_malloc  # noqa: E402

reexec_with_tuned_malloc()

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.registry import RUNNERS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from rszoo.utils import init_cpu_distributed, register_all_modules  # noqa: E402
from rszoo.utils.config_utils import (apply_dataloader_defaults,  # noqa: E402
                                      default_work_dir, merge_cfg_options)
from rszoo.utils.records import (TRAINING_VALIDATION, append_record,  # noqa: E402
                                 argv_of, make_record)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a model with rszoo')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from this checkpoint, or, with no path, from the latest '
        'checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument('--no-validate', action='store_true', help='skip validation during training')
    parser.add_argument(
        '--test', action='store_true',
        help='after training, test the final weights once on the test_dataloader (printed; '
        'with --record, the record is that test: eval_split test, selected on "last")')
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the lr by the actual total batch size / auto_scale_lr.base_batch_size')
    parser.add_argument('--no-persistent-workers', action='store_true')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config keys, key=value (a key must exist; "+key=value" adds one)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    parser.add_argument(
        '--record', metavar='FILE',
        help='append a results record (rszoo.utils.records) of the last validation '
        '(with --test: of the test) to this JSON-lines file, e.g. benchmarks/<topic>.jsonl')
    parser.add_argument(
        '--model', metavar='NAME',
        help="the metafile model name of the record (default: the config's stem)")
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Apply the command-line switches to the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = default_work_dir(args.config)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            raise FileNotFoundError(f'--resume: checkpoint {args.resume} does not exist')
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    apply_dataloader_defaults(cfg, args.no_persistent_workers)
    merge_cfg_options(cfg, args.cfg_options)
    missing = [key for key in ('test_dataloader', 'test_cfg', 'test_evaluator')
               if cfg.get(key) is None]
    if args.test and missing:
        raise ValueError(f'--test: the config {args.config} has no {", ".join(missing)}; '
                         'nothing to test after training')
    if args.resume == 'auto':
        check_auto_resume(cfg.work_dir)
    return cfg


def check_auto_resume(work_dir):
    """``--resume`` without a path: the work dir's ``last_checkpoint`` must name
    an existing checkpoint (mmengine would silently start from scratch)."""
    from mmengine.runner import find_latest_checkpoint
    pointer = osp.join(work_dir, 'last_checkpoint')
    latest = find_latest_checkpoint(work_dir)
    if latest is None:
        raise FileNotFoundError(
            f'--resume: nothing to resume in the work dir {work_dir}: {pointer} does not '
            'exist (it names the latest checkpoint). Give the checkpoint (--resume CKPT), '
            'the run\'s --work-dir, or drop --resume to start from scratch.')
    if not latest or not osp.isfile(latest):
        raise FileNotFoundError(
            f'--resume: {pointer} names the checkpoint {latest!r}, which does not exist.')


class LastValMetrics(Hook):
    """Keep the metrics of the last validation, to print them at the end."""

    priority = 'LOWEST'

    def __init__(self):
        self.metrics = None

    def after_val_epoch(self, runner, metrics=None):
        self.metrics = metrics


def report(what, metrics):
    """Print ``metrics`` on one line, and the OA on its own (what the README's
    first command shows)."""
    summary = ', '.join(f'{k}: {v:.2f}' if isinstance(v, float) else f'{k}: {v}'
                        for k, v in metrics.items())
    print(f'rszoo: {what}: {summary}', flush=True)
    if 'accuracy/top1' in metrics:
        print(f'rszoo: OA = {metrics["accuracy/top1"]:.2f}%', flush=True)


def main(argv=None):
    start = time.perf_counter()
    args = parse_args(argv)
    register_all_modules()
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    init_cpu_distributed(cfg, args.launcher)

    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    last = LastValMetrics()
    runner.register_hook(last)
    runner.train()

    trained_s = time.perf_counter() - start
    tested = runner.test() if args.test else None

    if last.metrics and runner.rank == 0:
        report(f'final validation of {osp.basename(args.config)} (work dir {cfg.work_dir})',
               last.metrics)
    if tested is not None and runner.rank == 0:
        report(f'test of the final weights of {osp.basename(args.config)} '
               f'(work dir {cfg.work_dir})', tested)
    if args.record and runner.rank == 0 and tested is not None:
        # wall_s: the test's, as a tools/test.py record; the training's as a metric,
        # as tools/analysis/multi_seed.py adds it (rszoo.utils.train_summary)
        record = make_record(
            model=args.model or osp.splitext(osp.basename(args.config))[0],
            config=args.config, cfg=cfg, metrics=dict(tested, train_wall_s=round(trained_s, 1)),
            eval_split='test', selected_on='last',
            wall_s=time.perf_counter() - start - trained_s, argv=argv_of(argv))
        append_record(args.record, record)
        print(f'rszoo: record appended to {args.record}', flush=True)
    elif args.record and runner.rank == 0:
        if not last.metrics:
            raise RuntimeError(f'--record {args.record}: the run made no validation '
                               '(--no-validate or no val_dataloader) and no test (--test), '
                               'nothing to record')
        # the final checkpoint's validation: selected on "last", evaluated on
        # "val"; marked as not the model's headline (test) figure
        record = make_record(
            model=args.model or osp.splitext(osp.basename(args.config))[0],
            config=args.config, cfg=cfg, metrics=last.metrics, eval_split='val',
            selected_on='last', wall_s=time.perf_counter() - start, argv=argv_of(argv),
            extra={'variant': TRAINING_VALIDATION})
        append_record(args.record, record)
        print(f'rszoo: record appended to {args.record}', flush=True)


if __name__ == '__main__':
    main()
