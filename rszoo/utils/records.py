"""Results records: one JSON line per finished run (``shared/results-records.md``).

A figure in a README, a metafile or the generated model table traces to a
record written by the tool that ran it (``tools/train.py --record FILE``,
``tools/test.py --record FILE``), never typed by hand. A record holds exactly
these fields:

================  ===========================================================
``model``         the metafile model name the figure belongs to
``config``        the config path (repo-relative when inside the repo)
``cfg_sha256``    SHA-256 of the resolved config text (``Config.pretty_text``
                  after ``--cfg-options``)
``dataset``       the data set (the folder name of the dataloaders' ``data_root``)
``split``         ``{"train": <split file>, "val": ..., "test": ...}``
``seed``          the training seed; ``{"train": s, "split": k}`` when the
                  split files name another seed (``..._seed<k>_...``)
``metrics``       ``{metric: value}``, numbers only, e.g.
                  ``{"OA": 91.21, "accuracy/top1": 91.21}``
``eval_split``    the split the metrics were computed on: ``val`` or
                  ``test`` (the dataloader evaluated)
``selected_on``   how the checkpoint was chosen: ``last`` or ``val``
``commit``        ``git rev-parse HEAD`` of the repo the tool ran from
``dirty``         whether that tree had uncommitted changes, other than to
                  results records (:data:`RECORD_FILES`: a protocol that
                  writes several records in one call appends to a file
                  it does not commit itself)
``command``       the exact command line (``python tools/...``)
``wall_s``        wall time of the run in seconds
``machine``       cores, CPU model and GPU (if any)
``date``          ISO 8601 date and time (UTC)
================  ===========================================================

A tool may add descriptive fields of its own after these (:data:`EXTRA_FIELDS`,
e.g. ``method`` and ``scene`` for one detector on one scene); any other field
is an error, so a typo never passes as data.

:func:`append_record` appends one line with a single ``write`` on a file
opened with ``O_APPEND`` while holding an exclusive :func:`fcntl.flock`, so
concurrent writers never interleave or lose lines; :func:`read_records` reads
them back.
"""
import datetime
import hashlib
import json
import os
import os.path as osp
import platform
import re
import shlex
import subprocess
import sys
from typing import Any, Dict, List, Mapping, Optional, Union

from rszoo.fileio import REPO_ROOT

#: the fields of a record, in the order they are written
RECORD_FIELDS = ('model', 'config', 'cfg_sha256', 'dataset', 'split', 'seed',
                 'metrics', 'eval_split', 'selected_on', 'commit', 'dirty',
                 'command', 'wall_s', 'machine', 'date')
#: optional descriptive fields a tool may add (written after the required ones):
#: ``method`` (the detector/model family of the run), ``scene`` (one scene of a
#: per-scene protocol: the data file's stem), ``train`` (what the run trained
#: on when the split files do not say it), ``ablation``/``variant`` (the row is
#: not the model's headline figure: an ablation setting, or
#: :data:`TRAINING_VALIDATION`), ``migrated`` (how an older
#: record was rewritten into this format, by ``tools/misc/upgrade_records.py``)
EXTRA_FIELDS = ('method', 'scene', 'train', 'ablation', 'variant', 'migrated')
#: the ``variant`` of ``tools/train.py --record``: the validation split at the end
#: of training; a metafile figure is the test split's (``tools/test.py --record``)
TRAINING_VALIDATION = 'validation at the end of training'
#: the splits a record's metrics may be computed on
EVAL_SPLITS = ('val', 'test')
#: how the evaluated checkpoint may have been chosen (never on the test split)
SELECTED_ON = ('last', 'val')
#: mmpretrain's top-1 key, also recorded as ``OA`` (overall accuracy)
TOP1_KEY = 'accuracy/top1'

_DATALOADERS = {'train': 'train_dataloader', 'val': 'val_dataloader',
                'test': 'test_dataloader'}
_SPLIT_SEED_REGEX = re.compile(r'seed(\d+)')


class RecordError(ValueError):
    """A record is incomplete or malformed; the message names the field."""


def sha256_text(text: str) -> str:
    """The hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def repo_relative(path: str, repo: str = REPO_ROOT) -> str:
    """``path`` relative to ``repo`` when it lies inside it, else absolute."""
    absolute = osp.abspath(path)
    try:
        relative = osp.relpath(absolute, repo)
    except ValueError:  # another drive
        return absolute
    return absolute if relative.startswith('..') else relative


#: the results records files (git pathspecs), left out of ``dirty``: appending a
#: record is not a change of the code that made it
RECORD_FILES = ('configs/**/results.jsonl', 'benchmarks/**/*.jsonl')


def git_state(repo: str = REPO_ROOT) -> Dict[str, Any]:
    """``{"commit": <HEAD sha or None>, "dirty": <bool or None>}`` of ``repo``;
    ``dirty`` ignores the records files (:data:`RECORD_FILES`).

    Read-only: ``--no-optional-locks`` keeps ``git status`` from refreshing
    the index. Outside a git checkout (a copy of the tree without ``.git``,
    e.g. sent to a GPU machine) both values are None, unless whoever made the
    copy exported its state: ``RSZOO_GIT_COMMIT`` (the sha it was copied
    from) and ``RSZOO_GIT_DIRTY`` (``0``/``1``).
    """
    def from_environment():
        commit = os.environ.get('RSZOO_GIT_COMMIT') or None
        dirty = os.environ.get('RSZOO_GIT_DIRTY')
        return {'commit': commit,
                'dirty': None if dirty not in ('0', '1') else dirty == '1'}

    def git(*args):
        return subprocess.run(
            ['git', '--no-optional-locks', '-C', repo, *args],
            capture_output=True, text=True, timeout=60)
    try:
        head = git('rev-parse', 'HEAD')
        if head.returncode != 0:
            return from_environment()
        status = git('status', '--porcelain', '--untracked-files=no', '--', '.',
                     *(f':(exclude,glob){pattern}' for pattern in RECORD_FILES))
    except (OSError, subprocess.TimeoutExpired):
        return from_environment()
    dirty = None if status.returncode != 0 else bool(status.stdout.strip())
    return {'commit': head.stdout.strip(), 'dirty': dirty}


def machine_description() -> str:
    """e.g. ``"2 CPU cores (AMD EPYC 7B13), no GPU"``."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') \
        else os.cpu_count()
    gpu = 'no GPU'
    try:
        import torch
        if torch.cuda.is_available():
            count = torch.cuda.device_count()
            gpu = f'{count}x {torch.cuda.get_device_name(0)}'
    except Exception:  # noqa: BLE001 - a broken CUDA setup still gets a record
        pass
    return f'{cores} CPU cores ({cpu}), {gpu}'


def argv_of(args: Optional[List[str]] = None) -> List[str]:
    """The full command line of a tool's ``main(argv)``: ``sys.argv`` when
    ``args`` is None, else the running script followed by ``args``."""
    return list(sys.argv) if args is None else [sys.argv[0], *args]


def command_line(argv: Optional[List[str]] = None) -> str:
    """The command that ran, as a user types it: ``python tools/train.py ...``.

    The script path is made repo-relative, so the command re-runs from the
    repository root of any checkout.
    """
    argv = list(sys.argv if argv is None else argv)
    if argv and argv[0].endswith('.py'):
        argv[0] = repo_relative(argv[0])
    return 'python ' + shlex.join(argv)


def _dataset_chain(loader: Mapping) -> List[Mapping]:
    """The dataset dicts of a dataloader config, outermost wrapper first."""
    chain, dataset = [], loader.get('dataset') or {}
    while isinstance(dataset, Mapping):
        chain.append(dataset)
        dataset = dataset.get('dataset')
    return chain or [{}]


def _dataset_of(loader: Mapping) -> Mapping:
    """The innermost dataset dict of a dataloader config (through wrappers)."""
    return _dataset_chain(loader)[-1]


def data_description(cfg: Mapping) -> Dict[str, Any]:
    """``dataset``, ``split`` and the split seed named by a config's dataloaders.

    Returns:
        dict: ``dataset`` (str or None), ``split`` (``{loader: split file}``)
        and ``split_seed`` (int or None: the ``seed<k>`` all split files share).
    """
    dataset, split, seeds = None, {}, set()
    for name, key in _DATALOADERS.items():
        loader = cfg.get(key)
        if not loader:
            continue
        ds = _dataset_of(loader)
        if dataset is None:
            root = ds.get('data_root')
            if root:
                dataset = osp.basename(osp.normpath(str(root)))
            elif ds.get('type'):
                dataset = str(ds['type'])
        split_file = ds.get('split_file') or ds.get('ann_file')
        if split_file:
            split[name] = str(split_file)
            found = _SPLIT_SEED_REGEX.findall(osp.basename(str(split_file)))
            if found:
                seeds.add(int(found[-1]))
    return {'dataset': dataset, 'split': split,
            'split_seed': seeds.pop() if len(seeds) == 1 else None}


def scalar_metrics(metrics: Mapping[str, Any]) -> Dict[str, float]:
    """The scalar metrics as floats, with ``OA`` added for ``accuracy/top1``.

    Non-scalar values (a confusion matrix) are dropped.
    """
    out: Dict[str, Any] = {}
    for key, value in metrics.items():
        if hasattr(value, 'item') and getattr(value, 'ndim', 0) == 0:
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        out[str(key)] = float(value)
    if TOP1_KEY in out:
        out = {'OA': out[TOP1_KEY], **out}
    if not out:
        raise RecordError(f'no scalar metric to record (got keys {list(metrics)})')
    return out


def load_metrics_file(path: str) -> Dict[str, float]:
    """A JSON file of flat numeric metrics (``{"train_wall_s": 412.0}``), e.g. a
    training summary (:mod:`rszoo.utils.train_summary`) to add to a record."""
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f'metrics file {path} does not exist') from None
    except json.JSONDecodeError as err:
        raise RecordError(f'{path} is not JSON ({err})') from None
    if not isinstance(data, Mapping):
        raise RecordError(f'{path} must hold a JSON object of metric: number, got '
                          f'{type(data).__name__}')
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RecordError(f'{path}: metric {key!r} must be a number, got {value!r}')
    return {str(k): float(v) for k, v in data.items()}


def merge_metrics(metrics: Mapping[str, Any], extra: Mapping[str, float]) -> Dict[str, Any]:
    """``metrics`` with ``extra`` added; a name in both is an error (a training
    figure never overwrites an evaluation figure)."""
    clash = sorted(set(metrics) & set(extra))
    if clash:
        raise RecordError(f'metrics {clash} are both evaluated and given as extra metrics')
    return {**metrics, **extra}


def _train_subset(cfg: Mapping) -> Optional[str]:
    """The index file of a wrapped training set (``CoresetDataset``), if any."""
    for dataset in _dataset_chain(cfg.get('train_dataloader') or {}):
        if dataset.get('index_file'):
            return f'{dataset.get("type", "subset")} of the train split: {dataset["index_file"]}'
    return None


def make_record(*,
                model: str,
                config: str,
                cfg,
                metrics: Mapping[str, Any],
                eval_split: str,
                selected_on: str,
                wall_s: float,
                argv: Optional[List[str]] = None,
                repo: str = REPO_ROOT,
                extra: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Build a record for a run of ``config`` (an :class:`mmengine.Config`).

    Args:
        model (str): the metafile model name.
        config (str): the config path given on the command line.
        cfg (mmengine.Config): the resolved config the run used (after
            ``--cfg-options``); its ``pretty_text`` is hashed.
        metrics (dict): the evaluator's metrics, e.g. ``{'accuracy/top1': 91.2}``.
        eval_split (str): ``val`` or ``test``: the dataloader evaluated.
        selected_on (str): ``last`` or ``val``.
        wall_s (float): the run's wall time.
        argv (list, optional): the command line (default ``sys.argv``).
        repo (str): the checkout whose git state is recorded.
        extra (dict, optional): descriptive fields of :data:`EXTRA_FIELDS`
            (e.g. ``{'method': 'rx', 'scene': 'abu-airport-1'}``).
    """
    if eval_split not in EVAL_SPLITS:
        raise RecordError(f'the evaluation split must be one of {EVAL_SPLITS}, '
                          f'got {eval_split!r}')
    if selected_on not in SELECTED_ON:
        raise RecordError(f'selected_on must be one of {SELECTED_ON}, got '
                          f'{selected_on!r} (a checkpoint is never chosen on '
                          'the test split)')
    data = data_description(cfg)
    seed = (cfg.get('randomness') or {}).get('seed')
    if data['split_seed'] is not None and data['split_seed'] != seed:
        seed = {'train': seed, 'split': data['split_seed']}
    record = {
        'model': model,
        'config': repo_relative(config, repo),
        'cfg_sha256': sha256_text(cfg.pretty_text),
        'dataset': data['dataset'],
        'split': data['split'],
        'seed': seed,
        'metrics': scalar_metrics(metrics),
        'eval_split': eval_split,
        'selected_on': selected_on,
        **git_state(repo),
        'command': command_line(argv),
        'wall_s': round(float(wall_s), 1),
        'machine': machine_description(),
        'date': datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec='seconds'),
        **dict(extra or {}),
    }
    subset = _train_subset(cfg)
    if subset and 'train' not in record:
        record['train'] = subset
    validate_record(record)
    return record


def validate_record(record: Mapping[str, Any]) -> None:
    """Raise :class:`RecordError` unless ``record`` has the required fields,
    only :data:`EXTRA_FIELDS` besides, flat numeric metrics and a known
    evaluation split."""
    missing = [k for k in RECORD_FIELDS if k not in record]
    extra = [k for k in record if k not in RECORD_FIELDS + EXTRA_FIELDS]
    if missing or extra:
        raise RecordError(f'record fields differ from {RECORD_FIELDS} (+ optional '
                          f'{EXTRA_FIELDS}): missing {missing}, unexpected {extra}')
    metrics = record['metrics']
    if not isinstance(metrics, Mapping) or not metrics or any(
            isinstance(v, bool) or not isinstance(v, (int, float))
            for v in metrics.values()):
        raise RecordError('record "metrics" must map metric names to numbers '
                          f'(e.g. {{"OA": 91.2}}), got {metrics!r}')
    if record['eval_split'] not in EVAL_SPLITS:
        raise RecordError(f'record "eval_split" must be one of {EVAL_SPLITS}, '
                          f'got {record["eval_split"]!r}')
    if record['selected_on'] not in SELECTED_ON:
        raise RecordError(f'record "selected_on" must be one of {SELECTED_ON}, '
                          f'got {record["selected_on"]!r}')


def append_record(path: Union[str, os.PathLike], record: Mapping[str, Any]) -> None:
    """Append ``record`` as one JSON line to ``path`` (created if missing).

    One ``write`` of the whole line on an ``O_APPEND`` descriptor under an
    exclusive ``flock``, then ``fsync``: concurrent writers (several seeds
    at once) never interleave, and a crash loses at most the line being
    written, never earlier ones.
    """
    validate_record(record)
    path = os.fspath(path)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    line = (json.dumps(dict(record), ensure_ascii=False) + '\n').encode('utf-8')
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        try:
            import fcntl
            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # not POSIX: O_APPEND alone
            fcntl = None
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(f'{path}: wrote {written} of {len(line)} bytes of a record')
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock


def read_records(path: Union[str, os.PathLike],
                 model: Optional[str] = None) -> List[Dict[str, Any]]:
    """The records in ``path`` (only ``model``'s when given), in file order.

    Lines that are not results records (older ad-hoc JSON lines in the same
    ``benchmarks/*.jsonl``) are skipped; a line that is not JSON is an error
    naming the file and line.
    """
    records = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise RecordError(f'{path}:{number}: not a JSON line ({error})') from None
            if not isinstance(row, dict) or any(k not in row for k in RECORD_FIELDS):
                continue
            if model is None or row['model'] == model:
                records.append(row)
    return records
