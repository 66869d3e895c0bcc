"""What a finished training run measured, as flat numbers for its results record.

mmengine's ``LoggerHook`` writes the training scalars of a run to
``<work_dir>/<timestamp>/vis_data/scalars.json``, one JSON line every
``interval`` steps (50 in rszoo's default runtime). A key matching
``LogProcessor``'s ``mean_pattern`` (``loss``, ``time``, ``data_time``,
``grad_norm`` anywhere in its name) is the mean of the last
``log_processor.window_size`` steps (10 by default) before the line; any other
key (``comm_bytes``, SwiMDiff's ``diffusion_mse``) is the value of the one step
the line was written at, so its summary is a mean over the logged steps.
:func:`summarize_training` turns the lines of the run's newest session (and of
the pieces before it, for a resumed run) into per-run figures:

- ``train_<key>_mean``: the mean of the logged values of ``<key>`` over the run;
- ``train_<key>_last_epoch``: their mean over the last epoch (e.g. the bytes a
  step sends once a compression warm-up is over);
- ``train_wall_s``: seconds from the run's start (its ``<timestamp>`` folder)
  to the last line of its log;
- a run continued with ``--resume`` in the same work dir (a long training cut
  into pieces, one per working session): its sessions are chained
  (:func:`run_sessions`, from mmengine's ``resumed epoch: E, iter: I`` log
  line), the figures are over the lines of every piece up to where the next
  piece took over (iterations logged after the checkpoint and done again are
  counted once), ``train_wall_s`` is the sum of the pieces' wall times (the
  repeated iterations included: what the run cost) and ``train_sessions`` is
  the number of pieces (present only for a resumed run);
- ``val_<key>_best``, ``val_<key>_best_epoch`` and ``val_<key>_last``: the
  validation figures of a run with a validation loop (``accuracy/top1`` by
  default), so that a choice made on validation (a checkpoint, a design, a
  hyper-parameter) is read from the records, next to the one test figure.

Logged values sample the run (10 steps, or 1, of every 50 here): exact for a figure
that is constant from step to step (the bytes of dense all-reduce, of a top-k
exchange at a fixed budget), a sample mean otherwise.

``tools/analysis/multi_seed.py`` writes the result next to the checkpoints as
``train_summary.json`` and passes it to ``tools/test.py --extra-metrics``, so
the test record carries what the training measured (RS-DGC's bytes per step,
for one). A run that starts from another run's weights (a linear probe of a
self-supervised pre-training) can carry that run's summary too, every term it
logged, under a prefix (:func:`write_upstream_summary`, ``pretrain/``): the
pre-training's final losses and wall time stand in the probe's record.
"""
import datetime
import json
import os
import os.path as osp
import re
import statistics
from typing import Dict, Iterable, List, Optional, Tuple

#: keys summarised by default: the bytes a communication hook sent
#: (``CommBytesHook``) and the seconds a training step took
DEFAULT_KEYS = ('comm_bytes', 'comm_compression', 'time')
#: validation metrics summarised by default (mmpretrain's top-1 accuracy)
DEFAULT_VAL_KEYS = ('accuracy/top1', )
#: bookkeeping columns of mmengine's training lines, never summarised by
#: ``keys=None`` (every logged term)
BOOKKEEPING_KEYS = ('epoch', 'iter', 'step', 'lr', 'data_time', 'memory')


def newest_session(work_dir: str) -> str:
    """The newest ``<timestamp>`` folder of ``work_dir`` with logged scalars."""
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'work dir {work_dir} does not exist')
    runs = sorted(d for d in os.listdir(work_dir)
                  if osp.isfile(osp.join(work_dir, d, 'vis_data', 'scalars.json')))
    if not runs:
        raise FileNotFoundError(f'no <timestamp>/vis_data/scalars.json under {work_dir}: '
                                'was the run trained with mmengine\'s LoggerHook?')
    return osp.join(work_dir, runs[-1])


def log_wall_s(session: str) -> float:
    """Seconds from a session's start (its ``YYYYmmdd_HHMMSS`` folder name) to
    the timestamp of the last line of its ``<timestamp>.log``."""
    stamp = osp.basename(osp.normpath(session))
    start = datetime.datetime.strptime(stamp, '%Y%m%d_%H%M%S')
    log = osp.join(session, f'{stamp}.log')
    last = None
    with open(log, encoding='utf-8', errors='replace') as f:
        for line in f:
            try:  # mmengine: '2026/12/02 18:13:19 - mmengine - INFO - ...'
                last = datetime.datetime.strptime(line[:19], '%Y/%m/%d %H:%M:%S')
            except ValueError:
                continue
    if last is None:
        raise ValueError(f'{log} has no timestamped line')
    return (last - start).total_seconds()


#: mmengine's ``Runner.resume`` log line
RESUMED = re.compile(r'resumed epoch: (\d+), iter: (\d+)')


def resumed_at(session: str) -> Optional[Tuple[int, int]]:
    """``(epoch, iter)`` the session resumed from (mmengine's ``resumed epoch:
    E, iter: I`` line in its ``<timestamp>.log``), None for a fresh start."""
    stamp = osp.basename(osp.normpath(session))
    log = osp.join(session, f'{stamp}.log')
    if not osp.isfile(log):
        return None
    with open(log, encoding='utf-8', errors='replace') as f:
        for line in f:
            found = RESUMED.search(line)
            if found:
                return int(found.group(1)), int(found.group(2))
    return None


def run_sessions(work_dir: str) -> List[Tuple[str, Optional[Tuple[int, int]]]]:
    """The pieces of the run at ``work_dir``, oldest first: ``[(session,
    (epoch, iter) up to which its lines count, or None for all)]``. The newest
    session counts whole; when it resumed from ``(E, I)``, the newest older
    session is the piece before it and counts up to ``(E, I)``, and so on back
    to a session that started from scratch (or the oldest one there is)."""
    newest = newest_session(work_dir)
    older = sorted(d for d in os.listdir(work_dir)
                   if osp.isfile(osp.join(work_dir, d, 'vis_data', 'scalars.json'))
                   and osp.join(work_dir, d) < newest)
    chain = [(newest, None)]
    resumed = resumed_at(newest)
    while resumed is not None and older:
        session = osp.join(work_dir, older.pop())
        chain.append((session, resumed))
        resumed = resumed_at(session)
    return chain[::-1]


def _read_scalars(session: str) -> Tuple[str, List[dict]]:
    """``(path, lines)`` of a session's ``vis_data/scalars.json``."""
    path = osp.join(session, 'vis_data', 'scalars.json')
    lines = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f'{path}:{number}: not a JSON line ({err})') from None
    return path, lines


def _scalar_lines(work_dir: str) -> Tuple[str, List[dict], List[str]]:
    """``(path, lines, sessions)``: the logged lines of the run at ``work_dir``
    (every piece of a resumed run, :func:`run_sessions`), the newest
    ``scalars.json``'s path and the sessions read. A piece's training lines
    count up to the iteration the next piece resumed from, its validation
    lines (``step`` = epoch) up to that epoch."""
    lines, sessions = [], []
    for session, until in run_sessions(work_dir):
        path, scalars = _read_scalars(session)
        if until is not None:
            epoch, iteration = until
            scalars = [line for line in scalars
                       if (line['iter'] <= iteration if 'iter' in line
                           else line.get('step', 0) <= epoch)]
        lines += scalars
        sessions.append(session)
    return path, lines, sessions


def _training_lines(path: str, lines: List[dict]) -> List[dict]:
    """The training lines: those with an ``epoch`` and a ``loss``."""
    training = [line for line in lines if 'epoch' in line and 'loss' in line]
    if not training:
        raise ValueError(f'{path} has no training lines (with "epoch" and "loss")')
    return training


def _validation_values(lines: List[dict], key: str) -> List[Tuple[int, float]]:
    """``[(epoch, value)]`` of the validation metric ``key``: mmengine logs a
    validation line with the metric and ``step`` = the epoch (no ``loss``)."""
    return [(int(line['step']), float(line[key])) for line in lines
            if key in line and 'loss' not in line and 'step' in line]


def summarize_training(work_dir: str, keys: Optional[Iterable[str]] = DEFAULT_KEYS,
                       reductions: Tuple[str, ...] = ('mean', 'last_epoch'),
                       val_keys: Iterable[str] = DEFAULT_VAL_KEYS) -> Dict[str, float]:
    """``{'train_<key>_<reduction>': value}`` for every key of ``keys`` the
    run logged (keys it never logged are left out), ``train_wall_s``, and
    ``val_<key>_{best,best_epoch,last}`` for every key of ``val_keys`` the run
    validated (the first epoch of the best value, as mmengine's ``save_best``
    keeps it).

    Args:
        work_dir (str): the run's work directory.
        keys (iterable of str, optional): scalar names as logged
            (``comm_bytes``); None: every numeric term the training lines
            logged (losses, their parts, ``time``), bookkeeping
            (:data:`BOOKKEEPING_KEYS`) left out.
        reductions (tuple of str): ``mean`` (all logged steps) and/or
            ``last_epoch`` (the logged steps of the last epoch).
        val_keys (iterable of str): validation metric names as logged.
    """
    unknown = set(reductions) - {'mean', 'last_epoch'}
    if unknown:
        raise ValueError(f'unknown reductions {sorted(unknown)}; use mean, last_epoch')
    # read once: training and validation lines, of every piece of a resumed run
    path, scalars, sessions = _scalar_lines(work_dir)
    lines = _training_lines(path, scalars)
    out = {'train_wall_s': sum(log_wall_s(session) for session in sessions)}
    if len(sessions) > 1:
        out['train_sessions'] = len(sessions)
    last_epoch = max(line['epoch'] for line in lines)
    if keys is None:
        keys = [key for key in dict.fromkeys(k for line in lines for k in line)
                if key not in BOOKKEEPING_KEYS
                and all(isinstance(line[key], (int, float)) and not isinstance(line[key], bool)
                        for line in lines if key in line)]
    for key in keys:
        values = [line[key] for line in lines if key in line]
        if not values:
            continue
        if 'mean' in reductions:
            out[f'train_{key}_mean'] = float(statistics.fmean(values))
        if 'last_epoch' in reductions:
            last = [line[key] for line in lines if key in line and line['epoch'] == last_epoch]
            out[f'train_{key}_last_epoch'] = float(statistics.fmean(last))
    for key in val_keys:
        validated = _validation_values(scalars, key)
        if not validated:
            continue
        best_epoch, best = max(validated, key=lambda item: (item[1], -item[0]))
        out[f'val_{key}_best'] = best
        out[f'val_{key}_best_epoch'] = best_epoch
        out[f'val_{key}_last'] = validated[-1][1]
    return out


def write_training_summary(work_dir: str, out_file: str = 'train_summary.json',
                           keys: Iterable[str] = DEFAULT_KEYS) -> str:
    """Write :func:`summarize_training` of ``work_dir`` to ``work_dir/out_file``
    (JSON); return its path."""
    path = osp.join(work_dir, out_file)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(summarize_training(work_dir, keys), f, indent=1, sort_keys=True)
    return path


def write_upstream_summary(upstream_dir: str, work_dir: str, prefix: str = 'pretrain/',
                           out_file: str = 'pretrain_summary.json') -> str:
    """Write the training summary of the run ``work_dir`` started from (its
    pre-training, at ``upstream_dir``): every term that run logged
    (``keys=None``, means over the run and over its last epoch) and its wall
    time, each name prefixed by ``prefix``, to ``work_dir/out_file``; return
    its path. Added to the test record of the run at ``work_dir``, it puts the
    pre-training's own figures (e.g. SwiMDiff's denoising error with the
    condition zeroed) in the record of the probe that measured it.
    """
    summary = summarize_training(upstream_dir, keys=None)
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, out_file)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump({prefix + key: value for key, value in summary.items()}, f, indent=1,
                  sort_keys=True)
    return path
