"""Metafile ``Results`` derived from results records (``shared/results-records.md``).

A metafile figure is never typed: it is the aggregate of the committed records
of its model. For a model ``Name`` the records taken are those with
``model == Name``, ``eval_split == 'test'`` and no ``ablation``/``variant``
(a validation record of ``tools/train.py`` is not a headline figure), the
latest one per *unit*: per ``scene`` where the records name one (a per-scene
protocol such as hyperspectral anomaly detection), else per ``seed``.

Each metric name of a metafile entry says what it aggregates:

- a name of :data:`METRIC_KEYS` (``OA``, ``Top 1 Accuracy``, ``mIoU``,
  ``box AP50``, ``AUC(D,F)``, ...): the mean over the units of the record key;
- ``<name> (std ...)``: the sample standard deviation of that key;
- ``<name> (per seed)``: the per-unit values in seed order;
- ``<name> (all scenes)``: the mean over every scene (plain names of a
  per-scene model average the scenes of :data:`SCENE_SETS` only).

Values are rounded to the digits of :data:`METRIC_KEYS`. :func:`derive_results`
computes them, :func:`check_metafile` lists every figure that differs and every
``Status: done`` model without a result, :func:`update_metafile` rewrites the
figures (``python tools/misc/update_metafile_results.py``).
:func:`paired_comparison` sets a model against the model its metafile entry is
``Compared With``, seed by seed (the tool's comparison table).
"""
import json
import math
import re
import statistics
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from rszoo.fileio import REPO_ROOT

#: metafile metric name -> (record metric key, digits)
METRIC_KEYS: Dict[str, Tuple[str, int]] = {
    'Top 1 Accuracy': ('OA', 2), 'OA': ('OA', 2), 'AA': ('AA', 2), 'Kappa': ('kappa', 2),
    'mIoU': ('mIoU', 2), 'aAcc': ('aAcc', 2), 'mAcc': ('mAcc', 2),
    'IoU cloud': ('IoU.cloud', 2), 'IoU clear': ('IoU.clear', 2),
    'box AP': ('coco/bbox_mAP', 2), 'box AP50': ('coco/bbox_mAP_50', 2),
    'box AP75': ('coco/bbox_mAP_75', 2), 'box APs': ('coco/bbox_mAP_s', 2),
    'AUC(D,F)': ('auc_df', 4), 'AUC(F,tau)': ('auc_ftau', 4),
    'ZSL Top 1 Accuracy (unseen classes, per-class mean)': ('zsl/top1', 2),
    'ZSL Top 1 Accuracy': ('zsl/top1', 2),
    'GZSL Seen': ('gzsl/seen', 2), 'GZSL Unseen': ('gzsl/unseen', 2),
    'GZSL H': ('gzsl/H', 2), 'GZSL H (no calibration)': ('gzsl/H_gamma0', 2),
    'AUSUC': ('gzsl/ausuc', 2),
    # what the training measured (rszoo.utils.train_summary, tools/analysis/multi_seed.py)
    'Bytes per step after warm-up': ('train_comm_bytes_last_epoch', 0),
    'Compression after warm-up': ('train_comm_compression_last_epoch', 1),
    'Seconds per step': ('train_time_mean', 3),
    'Training wall time (s)': ('train_wall_s', 1),
    'Validation Top 1 Accuracy (best epoch)': ('val_accuracy/top1_best', 2),
    # what picpq_compress.py --export counted on the trained compressed model
    'FLOPs': ('flops', 0), 'BOPs': ('bops', 0), 'BOPs compression': ('bops_compression', 2),
    "BOPs compression, the authors' count": ('bops_compression_authors_convention', 2),
    # a record's own fields: '@<field>'; 'a+b' sums two values of one record
    'Test wall time (s)': ('@wall_s', 1),
    'Wall time per run, test included (s)': ('train_wall_s+@wall_s', 1),
}
#: the scenes a per-scene model's plain figures average, by record ``dataset``:
#: for the HAD scenes, the 13 the STAD authors also ran (12 ABU + San Diego)
SCENE_SETS: Dict[str, Tuple[str, ...]] = {
    'had-abu-hydice-sandiego': (
        'abu-airport-1', 'abu-airport-2', 'abu-airport-3', 'abu-airport-4', 'abu-beach-1',
        'abu-beach-2', 'abu-beach-3', 'abu-urban-1', 'abu-urban-2', 'abu-urban-3',
        'abu-urban-4', 'abu-urban-5', 'sandiego'),
}
_SUFFIX = re.compile(r'^(?P<base>.+?) \((?P<kind>std|per seed|all scenes)\b[^)]*\)$')


def all_records(root: Path = Path(REPO_ROOT)) -> List[Dict[str, Any]]:
    """Every record line of ``benchmarks/**/*.jsonl`` and ``configs/**/*.jsonl``,
    each with ``_file``: its file, relative to ``root``."""
    from rszoo.utils.records import RECORD_FIELDS
    rows = []
    for pattern in ('benchmarks/**/*.jsonl', 'configs/**/*.jsonl'):
        for path in sorted(Path(root).glob(pattern)):
            for line in path.read_text(encoding='utf-8').splitlines():
                if not line.strip():
                    continue
                row = json.loads(line)
                if isinstance(row, dict) and all(k in row for k in RECORD_FIELDS):
                    row['_file'] = path.relative_to(root).as_posix()
                    rows.append(row)
    return rows


def headline_records(records: Iterable[Mapping], model: str,
                     eval_split: str = 'test') -> List[Mapping]:
    """The test records of ``model`` behind its figures, the latest per unit
    (scene or seed), in unit order; ``eval_split='val'``: its validation
    records, picked the same way (whatever their ``variant``: the zero-shot
    protocol names its validation classes there)."""
    latest: Dict[str, Mapping] = {}
    for row in records:
        if row.get('model') != model or row.get('eval_split') != eval_split or (
                eval_split == 'test' and (row.get('ablation') or row.get('variant'))):
            continue
        unit = row.get('scene') or json.dumps(row.get('seed'), sort_keys=True)
        latest[unit] = row
    return [latest[k] for k in sorted(latest)]


def parse_metric(name: str) -> Tuple[str, int, str]:
    """``(record key, digits, how)`` of a metafile metric name; ``how`` is
    ``mean``, ``std``, ``per seed`` or ``all scenes``. Unknown names raise."""
    match = _SUFFIX.match(name)
    base, how = (match['base'], match['kind']) if match and name not in METRIC_KEYS \
        else (name, 'mean')
    if base not in METRIC_KEYS:
        raise KeyError(f'metafile metric {name!r}: no record key is known for {base!r} '
                       f'(rszoo.utils.metafile_results.METRIC_KEYS)')
    key, digits = METRIC_KEYS[base]
    return key, digits, how


def record_value(record: Mapping, key: str):
    """The value of ``key`` in one record: a metric (``'OA'``), a field of the
    record itself (``'@wall_s'``: the test's wall time), or the sum of such
    values (``'train_wall_s+@wall_s'``); None when a part is missing."""
    total = 0.0
    for part in key.split('+'):
        value = record.get(part[1:]) if part.startswith('@') else \
            (record.get('metrics') or {}).get(part)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        if '+' not in key:
            return value
        total += float(value)
    return total


def aggregate(rows: List[Mapping], name: str):
    """The figure ``name`` over ``rows`` (see the module docstring); None when a
    row lacks the key or there are no rows."""
    key, digits, how = parse_metric(name)
    if rows and rows[0].get('scene') is not None and how != 'all scenes':
        scenes = SCENE_SETS.get(rows[0].get('dataset'))
        if scenes is not None:
            by_scene = {r['scene']: r for r in rows}
            if any(s not in by_scene for s in scenes):
                return None
            rows = [by_scene[s] for s in scenes]
    values = [record_value(r, key) for r in rows]
    if not values or any(not isinstance(v, (int, float)) or isinstance(v, bool)
                         or math.isnan(v) for v in values):
        return None
    if how == 'per seed':
        return [round(float(v), digits) for v in values]
    if how == 'std':
        return round(statistics.stdev(values), digits) if len(values) > 1 else 0.0
    return round(statistics.fmean(values), digits)


def derive_results(model: Mapping, records: Iterable[Mapping]) -> Optional[List[Dict]]:
    """The model's ``Results`` with every figure recomputed from ``records``
    (the entries' Task/Dataset and metric names kept); None without results."""
    if not model.get('Results'):
        return None
    rows = headline_records(records, model['Name'])
    out = []
    for entry in model['Results']:
        metrics = {name: aggregate(rows, name) for name in entry.get('Metrics') or {}}
        out.append(dict(entry, Metrics=metrics))
    return out


def model_status(model: Mapping, collections: Mapping[str, Mapping]) -> str:
    """The model's ``Status``, else its collection's."""
    collection = collections.get(model.get('In Collection')) or {}
    return str(model.get('Status') or collection.get('Status') or '')


def check_metafile(path: Path, records: Iterable[Mapping]) -> List[str]:
    """Every figure of the metafile at ``path`` that differs from its records'
    aggregate, and every ``done`` model without a result, as messages."""
    import yaml
    records = list(records)
    data = yaml.safe_load(Path(path).read_text(encoding='utf-8')) or {}
    collections = {c['Name']: c for c in data.get('Collections') or []}
    problems = []
    for model in data.get('Models') or []:
        if not model.get('Results'):
            if model_status(model, collections).lower().startswith('done'):
                problems.append(f'{path}: {model["Name"]}: Status done but no Results')
            continue
        try:
            derived = derive_results(model, records)
        except KeyError as error:
            problems.append(f'{path}: {model["Name"]}: {error.args[0]}')
            continue
        for entry, want in zip(model['Results'], derived):
            for name, value in (entry.get('Metrics') or {}).items():
                if value != want['Metrics'][name]:
                    problems.append(f'{path}: {model["Name"]}: {name} = {value!r}, its '
                                    f'records give {want["Metrics"][name]!r}')
    return problems


def update_metafile(path: Path, records: Iterable[Mapping]) -> int:
    """Rewrite the figures of the metafile at ``path`` from ``records`` (line by
    line, so comments and layout stay); returns the number of changed figures.

    Only existing metric lines ``<indent><name>: <value>`` under ``Metrics:``
    are rewritten; a figure with no record behind it is an error.
    """
    import yaml
    records = list(records)
    text = Path(path).read_text(encoding='utf-8')
    data = yaml.safe_load(text) or {}
    wanted: Dict[str, List[Dict]] = {}
    for model in data.get('Models') or []:
        derived = derive_results(model, records)
        if derived is None:
            continue
        for entry in derived:
            missing = [k for k, v in entry['Metrics'].items() if v is None]
            if missing:
                raise ValueError(f'{path}: {model["Name"]}: no test records behind {missing}')
        wanted[model['Name']] = derived
    lines, changed, current, index = text.splitlines(keepends=True), 0, None, -1
    metrics_indent = None  # the indent of the current ``Metrics:`` line
    for number, line in enumerate(lines):
        name_match = re.match(r'^\s*- Name: (\S+)\s*$', line)
        if name_match:
            current, index, metrics_indent = name_match[1], -1, None
            continue
        if current not in wanted or not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        opening = re.match(r'^(\s*)Metrics:\s*$', line)
        if opening:
            index, metrics_indent = index + 1, len(opening[1])
            continue
        if metrics_indent is None or indent <= metrics_indent:
            metrics_indent = None
            continue
        metric = re.match(r'^(?P<indent>\s+)(?P<key>.+?): (?P<value>.+?)\s*$', line)
        if metric is None:
            continue
        key = yaml.safe_load(metric['key'])
        metrics = wanted[current][index]['Metrics']
        if isinstance(key, str) and key in metrics \
                and yaml.safe_load(metric['value']) != metrics[key]:
            value = metrics[key]
            text_value = json.dumps(value) if isinstance(value, list) else repr(value)
            lines[number] = f'{metric["indent"]}{metric["key"]}: {text_value}\n'
            changed += 1
    Path(path).write_text(''.join(lines), encoding='utf-8')
    return changed


def paired_comparison(records: Iterable[Mapping], model: str, baseline: str,
                      name: str = 'Top 1 Accuracy',
                      min_seeds: int = 2) -> Optional[Dict[str, Any]]:
    """``model`` against ``baseline`` (its metafile ``Compared With``) on the
    seeds both have headline records for (at least ``min_seeds``), for the
    figure ``name``.

    Returns ``seeds``, the two ``mean``/``std`` (sample std over those seeds),
    ``diff`` (the difference of the means), ``per_seed`` (model - baseline,
    seed by seed), ``spread`` (the larger of the two stds) and ``verdict``:
    ``'above by more than the spread'`` when ``diff > spread``, ``'above,
    within the spread'`` when ``0 < diff <= spread``, else ``'not above'``.
    None with fewer than ``min_seeds`` common seeds or a missing value. With
    ``min_seeds=1`` (an ablation measured on one seed) a single common seed
    gives the stds and the spread as None and the verdict ``'one seed: no
    spread'``."""
    key, digits, _ = parse_metric(name)

    def by_seed(name_):
        # a seed may be a dict ({'split': s, 'train': t}): matched by its JSON text
        return {json.dumps(r['seed'], sort_keys=True): (r['seed'], record_value(r, key))
                for r in headline_records(records, name_) if r.get('scene') is None}

    ours, theirs = by_seed(model), by_seed(baseline)
    units = sorted(set(ours) & set(theirs))
    if len(units) < max(min_seeds, 1) or any(ours[u][1] is None or theirs[u][1] is None
                                             for u in units):
        return None
    seeds = [ours[u][0] for u in units]
    a, b = [float(ours[u][1]) for u in units], [float(theirs[u][1]) for u in units]
    mean_a, mean_b = statistics.fmean(a), statistics.fmean(b)
    diff = mean_a - mean_b
    per_seed = [round(x - y, digits) for x, y in zip(a, b)]
    if len(seeds) == 1:
        return dict(seeds=seeds, mean=round(mean_a, digits), std=None,
                    baseline_mean=round(mean_b, digits), baseline_std=None,
                    diff=round(diff, digits), spread=None, per_seed=per_seed,
                    verdict='one seed: no spread')
    std_a, std_b = statistics.stdev(a), statistics.stdev(b)
    spread = max(std_a, std_b)
    verdict = ('above by more than the spread' if diff > spread else
               'above, within the spread' if diff > 0 else 'not above')
    return dict(seeds=seeds, mean=round(mean_a, digits), std=round(std_a, digits),
                baseline_mean=round(mean_b, digits), baseline_std=round(std_b, digits),
                diff=round(diff, digits), spread=round(spread, digits),
                per_seed=per_seed, verdict=verdict)
