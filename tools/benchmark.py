"""Throughput of a config's model: inference, bare-PyTorch training and
training through rszoo's Runner, in one process, and the Runner's cost.

    python tools/benchmark.py CONFIG [--batch-size 32] [--iters 50] [--warmup 10]
        [--channels-last | --no-channels-last] [--num-workers N] [--threads N]
        [--shape H W] [--skip-runner] [--out results.jsonl] [--cfg-options k=v ...]

Four numbers for the same model, input size and batch size:

(a) **inference** images/s: ``model(x, mode='tensor')`` in eval mode under
    :func:`torch.inference_mode` on a fixed float batch;
(b) **bare training** images/s: plain PyTorch on a fixed float batch,
    ``F.cross_entropy(model(x, mode='tensor'), y)``, ``backward()``, and the
    config's optimizer (``torch.optim.<type>`` with its arguments) stepping,
    measured twice, before and after (c), and averaged (the two runs show
    the machine's drift);
(b') **algorithm training** images/s: the same loop on the model's own
    training objective, ``model(x, data_samples, mode='loss')`` summed by
    ``model.parse_losses``: for a plain classifier this is (b) plus the
    head's loss bookkeeping; for a method with training-only parts (SSKDNet's
    branch, a second pass on corrupted images) it is what a training step
    costs, so the ratio of two configs' (b') is the method's extra training
    time;
(c) **Runner training** images/s: ``runner.train()`` of mmengine's Runner
    built from the config (``EpochBasedTrainLoop``, the config's real
    ``train_dataloader`` with its workers and pipeline on the real images,
    ``ClsDataPreprocessor``, ``OptimWrapper``, parameter schedulers, the
    logger and timer hooks) with validation and checkpoints switched off; a
    hook records ``time.perf_counter()`` before and after each iteration and
    stops the run after ``warmup + iters`` iterations. Iteration ``i`` takes
    ``after_iter[i] - after_iter[i - 1]``: the wait for the data loader
    (``before_iter[i] - after_iter[i - 1]``, reported as ``data wait``) plus
    the step (``after_iter[i] - before_iter[i]``);
(c') the same Runner on **cached samples**: the first batch's pipeline outputs
    served again and again in the main process (:class:`BenchmarkCachedDataset`),
    so no image is decoded or augmented: the framework's own cost, apart from
    data loading (``--no-cached-run`` skips it);
(d) **runner / bare**, the share of bare-PyTorch speed the framework keeps
    (target >= 0.90, i.e. at most 10% cost), and ``runner_cached_ratio``,
    the same for (c').

Each measurement first runs ``--warmup`` untimed iterations, then reports the
mean over ``--iters`` timed iterations as images / total seconds. The input
size is that of one sample of the config's training pipeline (``--shape``
overrides it, and is needed with ``--skip-runner`` when the data is absent).

Levers, reported with every row: channels_last (default on: ``model.to(
memory_format=torch.channels_last)`` for (a) and (b), the ``ChannelsLastHook``
for (c)); the allocator (the tool restarts itself once with the tuned glibc
settings of :mod:`rszoo.utils.cpu_tuning` unless ``RSZOO_DEFAULT_MALLOC=1``;
``LD_PRELOAD``-ed allocators are named); the compute threads
(``torch.get_num_threads()``, ``--threads``); the loader workers
(``--num-workers`` overrides the config's).

Reading the numbers: the timed window lies in the first epoch when
``warmup + iters`` is at most the iterations per epoch; the start of an epoch
(where ``persistent_workers=False`` restarts the loader workers) is reported
apart, as ``runner_epoch_start_wait_ms``, to be spread over
``runner_iters_per_epoch``, and the first step of each epoch inside the timed
window as ``runner_epoch_first_steps_ms`` (``--iters`` above the iterations per
epoch puts epoch starts into the window). On a 2-core machine loader workers
cost more than that wait: after each fork the training process pays
copy-on-write page faults on its heap (an epoch's first step takes seconds
where the others take half of one, with workers that restart every epoch) and
the workers compete with the compute threads, so every step slows down; compare
``--num-workers 0`` (``configs/recipes/README.md``, "The lean recipe"). The oneDNN
kernels of a channels_last model need a few calls to warm up (``--warmup`` >= 5).
Only a quiet machine gives representative numbers: while other processes run
(a 1-minute load average above 0.5 at the start is warned about), OpenMP
compute threads that spin-wait for a descheduled partner make single ops up to
20x slower (BatchNorm of a 32x64x16x16 batch: 1 ms alone, 24 ms with 2 threads
beside another busy process); ``OMP_WAIT_POLICY=PASSIVE`` or ``--threads 1`` avoid
that, and the JSON line records ``OMP_WAIT_POLICY`` and the load averages.

Output: a Markdown table row (and the header) and a JSON line; ``--out``
appends the JSON line to a ``.jsonl`` file. Benchmark one model per process.
"""
import argparse
import copy
import datetime
import json
import os
import os.path as osp
import platform
import shutil
import statistics
import tempfile
import time

from rszoo.utils.cpu_tuning import (OPT_OUT_VAR, TUNED_MALLOC_ENV,
                                    malloc_is_tuned, reexec_with_tuned_malloc)

reexec_with_tuned_malloc()

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.registry import DefaultScope  # noqa: E402

from rszoo.utils import register_all_modules  # noqa: E402
from rszoo.utils.records import (argv_of, command_line, git_state,  # noqa: E402
                                 machine_description)
from rszoo.utils.config_utils import (apply_dataloader_defaults,  # noqa: E402
                                      merge_cfg_options)

#: the framework's cost the project accepts: Runner >= 90% of bare PyTorch
TARGET_RATIO = 0.90
#: a 1-minute load average above this before the start means a busy machine
BUSY_LOAD = 0.5

MARKDOWN_COLUMNS = [
    ('config', 'config'), ('input', 'input'), ('batch', 'batch'),
    ('channels_last', 'channels_last'), ('allocator', 'allocator'), ('threads', 'threads'),
    ('workers', 'num_workers'), ('infer img/s', 'infer_img_s'),
    ('bare train img/s', 'bare_train_img_s'),
    ('algorithm train img/s', 'algorithm_train_img_s'), ('runner train img/s', 'runner_train_img_s'),
    ('runner/bare', 'ratio'), ('cached runner/bare', 'runner_cached_ratio'),
    ('data wait', 'runner_data_wait_share'),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Inference, bare-PyTorch and Runner training throughput of a config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--batch-size', type=int, default=32,
                        help='batch size of every measurement (also the Runner\'s)')
    parser.add_argument('--iters', type=int, default=50, help='timed iterations')
    parser.add_argument('--warmup', type=int, default=10,
                        help='untimed iterations before the timed ones')
    parser.add_argument('--channels-last', action=argparse.BooleanOptionalAction,
                        default=True, help='NHWC weights (default: on)')
    parser.add_argument('--num-workers', type=int,
                        help='data loader workers of the Runner (default: the config\'s)')
    parser.add_argument('--threads', type=int,
                        help='torch.set_num_threads (default: torch\'s choice)')
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help='input size (default: a training sample\'s)')
    parser.add_argument('--skip-runner', action='store_true',
                        help='measure only (a) and (b); no data needed with --shape')
    parser.add_argument('--no-cached-run', action='store_true',
                        help="skip (c'), the Runner on cached samples without image loading")
    parser.add_argument('--work-dir', help='the Runner\'s work dir (default: a temp dir, removed)')
    parser.add_argument('--runner-log-level', default='WARNING',
                        help='log level of the Runner (INFO prints its usual log)')
    parser.add_argument('--out', help='append the JSON line to this .jsonl file')
    parser.add_argument('--compare-to', metavar='CONFIG',
                        help="(e) a second config (e.g. the plain backbone of a method): "
                        "its model's algorithm training and inference steps alternate with "
                        "this one's in the same process, and the median time ratios are "
                        "reported (robust to the machine's drift)")
    parser.add_argument('--compare-reps', type=int, default=8,
                        help='alternations of (e); each times --iters steps of both models')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    args = parser.parse_args(argv)
    if args.iters < 1 or args.warmup < 0 or args.batch_size < 1:
        parser.error('--iters and --batch-size must be >= 1 and --warmup >= 0')
    if args.warmup < 1 and not args.skip_runner:
        parser.error('--warmup must be >= 1: the Runner\'s first iteration starts the '
                     'data loader workers')
    return args


def allocator_setting(environ=None):
    """The allocator as the environment sets it, e.g. ``glibc tuned (...)``."""
    environ = os.environ if environ is None else environ
    preload = environ.get('LD_PRELOAD', '')
    for name in ('jemalloc', 'tcmalloc', 'mimalloc'):
        if name in preload:
            return f'{name} (LD_PRELOAD)'
    if malloc_is_tuned(environ):
        return 'glibc tuned (' + ' '.join(f'{k}={v}' for k, v in TUNED_MALLOC_ENV.items()) + ')'
    custom = {k: environ[k] for k in TUNED_MALLOC_ENV if k in environ}
    if custom:
        return 'glibc (' + ' '.join(f'{k}={v}' for k, v in custom.items()) + ')'
    return f'glibc default ({OPT_OUT_VAR}=1)' if environ.get(OPT_OUT_VAR) == '1' \
        else 'glibc default'


def cpu_name():
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def build_model(cfg):
    from rszoo.registry import MODELS
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'rszoo')):
        model = MODELS.build(copy.deepcopy(cfg.model))
    model.init_weights()
    return model


def build_torch_optimizer(cfg, params):
    """``torch.optim.<type>(params, **args)`` from ``optim_wrapper.optimizer``."""
    optimizer_cfg = dict(cfg.optim_wrapper.optimizer)
    kind = optimizer_cfg.pop('type')
    name = kind if isinstance(kind, str) else kind.__name__
    if not hasattr(torch.optim, name):
        raise ValueError(f'The config\'s optimizer {name} is not in torch.optim; the bare '
                         'loop only uses plain torch optimizers.')
    return getattr(torch.optim, name)(params, **optimizer_cfg)


def input_size_from_dataset(cfg):
    """``(H, W)`` of the first sample of the training pipeline."""
    from rszoo.registry import DATASETS
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'rszoo')):
        dataset = DATASETS.build(copy.deepcopy(cfg.train_dataloader.dataset))
    inputs = dataset[0]['inputs']
    return tuple(int(s) for s in inputs.shape[-2:])


def throughput(step, batch_size, iters, warmup):
    """Run ``step`` ``warmup`` times, then time ``iters`` runs.

    Returns:
        dict: ``img_s`` (images / total timed seconds) and per-iteration
        seconds (mean, standard deviation).
    """
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return dict(img_s=batch_size * iters / sum(times), iter_s=statistics.fmean(times),
                iter_s_std=statistics.pstdev(times))


def measure_inference(model, x, args):
    model.eval()

    def step():
        with torch.inference_mode():
            model(x, mode='tensor')

    return throughput(step, args.batch_size, args.iters, args.warmup)


def measure_bare_training(model, optimizer, x, y, args):
    model.train()

    def step():
        logits = model(x, mode='tensor')
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return throughput(step, args.batch_size, args.iters, args.warmup)


def compare_alternating(model, other, x, y, args):
    """(e): median per-step times of ``model`` / ``other`` (training on the
    models' own objectives, and inference), alternating blocks of
    ``--iters`` steps ``--compare-reps`` times in one process."""
    from mmpretrain.structures import DataSample
    samples = [DataSample().set_gt_label(int(label)) for label in y]
    optimizers = {id(m): torch.optim.SGD(m.parameters(), lr=1e-4) for m in (model, other)}

    def train_step(m):
        m.train()
        loss, _ = m.parse_losses(m(x, samples, mode='loss'))
        optimizers[id(m)].zero_grad(set_to_none=True)
        loss.backward()
        optimizers[id(m)].step()

    def infer_step(m):
        m.eval()
        with torch.inference_mode():
            m(x, mode='tensor')

    result = {}
    for name, step in (('train', train_step), ('infer', infer_step)):
        for m in (model, other):
            for _ in range(args.warmup):
                step(m)
        times = {id(model): [], id(other): []}
        for _ in range(args.compare_reps):
            for m in (model, other):
                start = time.perf_counter()
                for _ in range(args.iters):
                    step(m)
                times[id(m)].append((time.perf_counter() - start) / args.iters)
        mine, theirs = statistics.median(times[id(model)]), statistics.median(times[id(other)])
        result[f'{name}_time_ratio'] = mine / theirs
        result[f'{name}_img_s'] = args.batch_size / mine
        result[f'{name}_img_s_other'] = args.batch_size / theirs
        result[f'{name}_time_ratios_per_rep'] = [a / b for a, b in
                                                 zip(times[id(model)], times[id(other)])]
    return result


def measure_algorithm_training(model, optimizer, x, y, args):
    from mmpretrain.structures import DataSample
    samples = [DataSample().set_gt_label(int(label)) for label in y]
    model.train()

    def step():
        loss, _ = model.parse_losses(model(x, samples, mode='loss'))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return throughput(step, args.batch_size, args.iters, args.warmup)


class _BenchmarkDone(Exception):
    """Raised by :class:`IterationClock` to end ``runner.train()``."""


class IterationClock(Hook):
    """Record ``time.perf_counter()`` around each training iteration and stop
    the run after ``total`` iterations.

    Its priority is the lowest, so an iteration's end is stamped after every
    other hook's ``after_train_iter`` (logger, timer, scheduler): their cost
    is counted. Epoch ends, data-loader restarts and worker start-up fall
    into the next iteration's data wait.
    """

    priority = 'LOWEST'

    def __init__(self, total):
        self.total = total
        self.before, self.after, self.batch_sizes = [], [], []
        self.weights_channels_last = None
        self.threads_in_run = None
        self.epoch_start = None
        self.epoch_start_waits = []
        self.first_of_epoch = []  # whether iteration i is the first of its epoch

    def before_train_epoch(self, runner):
        self.epoch_start = time.perf_counter()

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        now = time.perf_counter()
        if batch_idx == 0 and self.epoch_start is not None:
            # starting the loader's workers and waiting for the first batch
            self.epoch_start_waits.append(now - self.epoch_start)
        self.first_of_epoch.append(batch_idx == 0)
        self.before.append(now)
        self.batch_sizes.append(len(data_batch['inputs']))

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.after.append(time.perf_counter())
        if self.weights_channels_last is None:
            self.threads_in_run = torch.get_num_threads()
            convs = [m.weight for m in runner.model.modules()
                     if isinstance(m, torch.nn.Conv2d)]
            self.weights_channels_last = bool(convs) and all(
                w.is_contiguous(memory_format=torch.channels_last) for w in convs)
        if len(self.after) >= self.total:
            raise _BenchmarkDone()

    def summary(self, warmup):
        """Throughput over the iterations after ``warmup``."""
        timed = range(warmup, len(self.after))
        iter_s = [self.after[i] - self.after[i - 1] for i in timed]
        wait_s = [self.before[i] - self.after[i - 1] for i in timed]
        step_s = [self.after[i] - self.before[i] for i in timed]
        images = sum(self.batch_sizes[i] for i in timed)
        # the first step of each epoch in the timed window (loader workers just restarted)
        first_steps = [step_s[k] for k, i in enumerate(timed) if self.first_of_epoch[i]]
        return dict(
            img_s=images / sum(iter_s), iter_s=statistics.fmean(iter_s),
            iter_s_std=statistics.pstdev(iter_s), data_wait_s=statistics.fmean(wait_s),
            data_wait_max_s=max(wait_s), step_s=statistics.fmean(step_s),
            step_img_s=images / sum(step_s), data_wait_share=sum(wait_s) / sum(iter_s),
            epoch_start_wait_s=statistics.fmean(self.epoch_start_waits),
            epoch_first_steps_s=first_steps)


class BenchmarkCachedDataset(torch.utils.data.Dataset):
    """The first ``num_cached`` pipeline outputs of ``dataset``, served over and
    over, with ``dataset``'s length and ``metainfo``.

    A Runner trained on it runs the framework (sampler, collate,
    ``ClsDataPreprocessor``, ``train_step``, ``OptimWrapper``, schedulers,
    hooks) without decoding or augmenting images: its speed against the bare
    loop is the framework's own cost, apart from data loading.
    """

    def __init__(self, dataset, num_cached):
        from rszoo.registry import DATASETS
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.metainfo = getattr(self.dataset, 'metainfo', {})
        self.cached = [self.dataset[i] for i in range(min(num_cached, len(self.dataset)))]

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        """The cached sample with the same input tensor and a fresh copy of its
        ``data_samples``: the data preprocessor writes into a batch's data samples
        (one-hot ``gt_score`` for Mixup/CutMix), which must not leak into the next
        batch that serves the same sample."""
        item = dict(self.cached[index % len(self.cached)])
        if hasattr(item.get('data_samples'), 'clone'):
            item['data_samples'] = item['data_samples'].clone()
        return item


def runner_config(cfg, args, work_dir, cached=False):
    """The config for a train-only Runner run of ``warmup + iters`` iterations;
    ``cached`` serves the first batch's samples again and again, in the main
    process (:class:`BenchmarkCachedDataset`)."""
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.experiment_name = f'benchmark-{"cached" if cached else "data"}-{time.time_ns()}'
    cfg.launcher = 'none'
    cfg.load_from, cfg.resume = None, False
    cfg.log_level = args.runner_log_level
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    total = args.warmup + args.iters
    # stopped by IterationClock; epochs are at least one batch long
    cfg.train_cfg = dict(by_epoch=True, max_epochs=total + 1, val_interval=total + 1)
    loader = cfg.train_dataloader
    loader.batch_size = args.batch_size
    if args.num_workers is not None:
        loader.num_workers = args.num_workers
    if cached:
        from rszoo.registry import DATASETS
        DATASETS.register_module(module=BenchmarkCachedDataset, force=True)
        loader.dataset = dict(type='BenchmarkCachedDataset', dataset=loader.dataset,
                              num_cached=args.batch_size)
        loader.num_workers = 0
    if loader.get('num_workers', 0) == 0:
        loader.persistent_workers = False
    hooks = cfg.default_hooks
    hooks.checkpoint = None
    channels_last = dict(hooks.get('channels_last') or dict(type='ChannelsLastHook'))
    channels_last['enable'] = args.channels_last
    hooks.channels_last = channels_last
    return cfg


def measure_runner(cfg, args, cached=False):
    """Train with the Runner; the throughput after the warm-up (see the module doc)."""
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner
    work_dir = args.work_dir or tempfile.mkdtemp(prefix='rszoo-benchmark-')
    try:
        run_cfg = runner_config(cfg, args, work_dir, cached)
        runner = Runner.from_cfg(run_cfg) if 'runner_type' not in run_cfg \
            else RUNNERS.build(run_cfg)
        clock = IterationClock(args.warmup + args.iters)
        runner.register_hook(clock)
        try:
            runner.train()
        except _BenchmarkDone:
            pass
        if len(clock.after) < args.warmup + args.iters:
            raise RuntimeError(f'The Runner stopped after {len(clock.after)} iterations, '
                               f'{args.warmup + args.iters} were needed.')
        result = clock.summary(args.warmup)
        result.update(
            num_workers=run_cfg.train_dataloader.get('num_workers', 0),
            dataset_size=len(runner.train_dataloader.dataset),
            iters_per_epoch=len(runner.train_dataloader),
            weights_channels_last=clock.weights_channels_last,
            threads_in_run=clock.threads_in_run)
        del runner
        return result
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)


def markdown(row):
    header = '| ' + ' | '.join(name for name, _ in MARKDOWN_COLUMNS) + ' |'
    rule = '|' + '|'.join('---' for _ in MARKDOWN_COLUMNS) + '|'
    cells = []
    for _, key in MARKDOWN_COLUMNS:
        value = row.get(key)
        if key == 'input':
            value = 'x'.join(map(str, row['input_size']))
        elif key == 'config':
            value = osp.basename(value)
        elif key == 'runner_data_wait_share' and value is not None:
            value = f'{100 * value:.1f}%'
        elif isinstance(value, float):
            value = f'{value:.3f}' if key.endswith('ratio') else f'{value:.1f}'
        cells.append('-' if value is None else str(value))
    return '\n'.join([header, rule, '| ' + ' | '.join(cells) + ' |'])


def main(argv=None):
    args = parse_args(argv)
    load_before = os.getloadavg()[0]
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    register_all_modules()
    # the 'current' logger until the Runner makes its own: no init_weights chatter
    MMLogger.get_instance('rszoo-benchmark', log_level=args.runner_log_level)
    cfg = Config.fromfile(args.config)
    apply_dataloader_defaults(cfg)
    merge_cfg_options(cfg, args.cfg_options)
    torch.manual_seed(0)

    if args.shape is not None:
        height, width = args.shape
    else:
        try:
            height, width = input_size_from_dataset(cfg)
        except (FileNotFoundError, OSError) as error:
            raise SystemExit(f'error: cannot read a training sample to learn the input '
                             f'size ({error}); pass --shape H W (and --skip-runner '
                             'without the data).') from None
    threads = torch.get_num_threads()
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    if load_before > BUSY_LOAD:
        print(f'warning: the 1-minute load average is {load_before:.2f} before the benchmark '
              'starts: other processes compete for the cores, and with several compute '
              'threads OpenMP\'s spin-waiting turns that into slowdowns of up to 20x per op; '
              'these numbers are not representative.', flush=True)
    print(f'benchmark {args.config}: input {height}x{width}, batch {args.batch_size}, '
          f'channels_last={args.channels_last}, {threads} threads, '
          f'allocator: {allocator_setting()}; {args.warmup} warm-up + {args.iters} timed '
          'iterations each', flush=True)

    model = build_model(cfg).to(memory_format=memory_format)
    optimizer = build_torch_optimizer(cfg, model.parameters())
    x = torch.randn(args.batch_size, 3, height, width).contiguous(memory_format=memory_format)
    with torch.no_grad():
        num_classes = model.eval()(x[:2], mode='tensor').shape[-1]
    y = torch.randint(num_classes, (args.batch_size, ))

    infer = measure_inference(model, x, args)
    print(f'(a) inference: {infer["img_s"]:.1f} img/s', flush=True)
    bare = [measure_bare_training(model, optimizer, x, y, args)]
    print(f'(b) bare PyTorch training: {bare[0]["img_s"]:.1f} img/s', flush=True)
    algo = measure_algorithm_training(model, optimizer, x, y, args)
    print(f"(b') algorithm training (mode='loss'): {algo['img_s']:.1f} img/s", flush=True)
    runner = cached = None
    if not args.skip_runner:
        runner = measure_runner(cfg, args)
        print(f'(c) Runner training: {runner["img_s"]:.1f} img/s '
              f'(step only {runner["step_img_s"]:.1f} img/s; data wait '
              f'{1000 * runner["data_wait_s"]:.1f} ms/iter = '
              f'{100 * runner["data_wait_share"]:.1f}% of the time, max '
              f'{1000 * runner["data_wait_max_s"]:.1f} ms; '
              f'{runner["num_workers"]} loader workers; an epoch of '
              f'{runner["iters_per_epoch"]} iterations starts with a '
              f'{1000 * runner["epoch_start_wait_s"]:.0f} ms wait for its first batch)',
              flush=True)
        if not args.no_cached_run:
            cached = measure_runner(cfg, args, cached=True)
            print(f"(c') Runner training on cached samples (no image loading): "
                  f'{cached["img_s"]:.1f} img/s', flush=True)
        bare.append(measure_bare_training(model, optimizer, x, y, args))
        print(f'(b) bare PyTorch training, again: {bare[1]["img_s"]:.1f} img/s', flush=True)
    bare_img_s = statistics.fmean(b['img_s'] for b in bare)
    compare = None
    if args.compare_to:
        other_cfg = Config.fromfile(args.compare_to)
        other = build_model(other_cfg).to(memory_format=memory_format)
        compare = compare_alternating(model, other, x, y, args)
        print(f"(e) against {args.compare_to}: training step time x{compare['train_time_ratio']:.3f} "
              f"({100 * (compare['train_time_ratio'] - 1):+.1f}%: {compare['train_img_s']:.1f} vs "
              f"{compare['train_img_s_other']:.1f} img/s), inference time "
              f"x{compare['infer_time_ratio']:.3f} ({compare['infer_img_s']:.1f} vs "
              f"{compare['infer_img_s_other']:.1f} img/s); medians of {args.compare_reps} "
              'alternations', flush=True)

    row = dict(
        config=args.config, input_size=[height, width], batch=args.batch_size,
        channels_last=args.channels_last, allocator=allocator_setting(), threads=threads,
        num_workers=runner['num_workers'] if runner else None,
        infer_img_s=infer['img_s'], bare_train_img_s=bare_img_s,
        bare_train_img_s_runs=[b['img_s'] for b in bare],
        algorithm_train_img_s=algo['img_s'],
        compare_to=args.compare_to,
        compare=compare,
        runner_train_img_s=runner['img_s'] if runner else None,
        ratio=runner['img_s'] / bare_img_s if runner else None,
        runner_cached_img_s=cached['img_s'] if cached else None,
        runner_cached_ratio=cached['img_s'] / bare_img_s if cached else None,
        runner_step_img_s=runner['step_img_s'] if runner else None,
        runner_step_ratio=runner['step_img_s'] / bare_img_s if runner else None,
        runner_data_wait_share=runner['data_wait_share'] if runner else None,
        runner_data_wait_ms=1000 * runner['data_wait_s'] if runner else None,
        runner_iter_ms=1000 * runner['iter_s'] if runner else None,
        runner_epoch_start_wait_ms=1000 * runner['epoch_start_wait_s'] if runner else None,
        runner_epoch_first_steps_ms=([round(1000 * s, 1) for s in runner['epoch_first_steps_s']]
                                     if runner else None),
        runner_iters_per_epoch=runner['iters_per_epoch'] if runner else None,
        bare_iter_ms=1000 * statistics.fmean(b['iter_s'] for b in bare),
        infer_iter_ms=1000 * infer['iter_s'],
        runner_weights_channels_last=runner['weights_channels_last'] if runner else None,
        iters=args.iters, warmup=args.warmup,
        torch=torch.__version__, cpu=cpu_name(), cpu_count=os.cpu_count(),
        omp_num_threads=os.environ.get('OMP_NUM_THREADS'),
        omp_wait_policy=os.environ.get('OMP_WAIT_POLICY'),
        gomp_spincount=os.environ.get('GOMP_SPINCOUNT'),
        loadavg_before=round(load_before, 2), loadavg_after=round(os.getloadavg()[0], 2),
        time=datetime.datetime.now().isoformat(timespec='seconds'),
        # provenance, as a results record carries it (shared/results-records.md)
        **git_state(), command=command_line(argv_of(argv)), machine=machine_description())
    if runner and runner['threads_in_run'] != threads:
        print(f'note: the Runner changed torch threads from {threads} to '
              f'{runner["threads_in_run"]}', flush=True)
    print(markdown(row))
    if row['ratio'] is not None:
        verdict = 'within' if row['ratio'] >= TARGET_RATIO else 'OVER'
        print(f'(d) runner/bare = {row["ratio"]:.3f}: framework cost '
              f'{100 * (1 - row["ratio"]):.1f}%, {verdict} the {100 * (1 - TARGET_RATIO):.0f}% '
              'target' + ('' if cached is None else
                          f'; on cached samples (no image loading) '
                          f'{100 * (1 - row["runner_cached_ratio"]):.1f}%'))
    line = json.dumps(row)
    print(line)
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'a', encoding='utf-8') as f:
            f.write(line + '\n')
        print(f'appended to {args.out}')
    return row


if __name__ == '__main__':
    main()
