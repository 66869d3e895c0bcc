"""Write the README's table of methods and results from ``model-index.yml``.

The table goes between the lines ``<!-- model-table:start -->`` and
``<!-- model-table:end -->`` of README.md; everything else is left as is.
One row per model result, grouped by collection (method), in index order; a
collection without models (a planned method) gets one row. Columns:

=========  ==============================================================
Method     the collection ``Name``
Paper      the collection's ``Paper: {Title, URL}`` as a link
Status     the collection's ``Status`` (``done`` | ``in progress`` | ``planned``)
Model      the model ``Name``
Dataset    the result's ``Dataset``
Top-1/OA   the result's ``Top 1 Accuracy`` (or ``OA``, ``Overall Accuracy``)
Weights    a link when ``Weights`` is set, else ``no``
Config     a link to ``Config``, relative to the README's folder
=========  ==============================================================

Usage::

    python tools/gen_model_table.py            # rewrite README.md
    python tools/gen_model_table.py --check    # exit 1 if README.md is stale (CI)

The index is found like :func:`rszoo.apis.find_model_index` (``--index`` or
``$RSZOO_MODEL_INDEX``, the package's ``.mim``, the repo root).
"""
import argparse
import os.path as osp
import sys
from pathlib import Path
from typing import List, Optional

REPO_ROOT = Path(__file__).resolve().parents[1]
START_MARKER = '<!-- model-table:start -->'
END_MARKER = '<!-- model-table:end -->'
HEADER = ('| Method | Paper | Status | Model | Dataset | Top-1/OA (%) | Weights '
          '| Config |')
SEPARATOR = '|---|---|---|---|---|---:|---|---|'

from rszoo.apis.model_zoo import load_model_index


def _cell(value) -> str:
    if value is None or value == '':
        return '-'
    return str(value).replace('|', '\\|').replace('\n', ' ')


def _link(text, url) -> str:
    if not url:
        return _cell(text)
    return f'[{_cell(text)}]({url})'


def _accuracy(value) -> str:
    if isinstance(value, (int, float)):
        return f'{value:.2f}'
    return _cell(value)


def build_table(index_path: Optional[str], readme_dir: Path) -> str:
    """The Markdown table (no trailing newline) for the given index."""
    from rszoo.apis.model_zoo import ACCURACY_METRICS, _get
    index = load_model_index(index_path)
    rows: List[str] = [HEADER, SEPARATOR]
    grouped = {name: [] for name in index.collections}
    ungrouped = []
    for model in index.models.values():
        (grouped[model.collection]
         if model.collection in grouped else ungrouped).append(model)
    groups = [(index.collections[n], ms) for n, ms in grouped.items()]
    if ungrouped:
        groups.append((None, ungrouped))

    for collection, models in groups:
        method = [
            _cell(collection.name) if collection else '-',
            _link(collection.paper_title or collection.paper_url,
                  collection.paper_url) if collection else '-',
            _cell(collection.status) if collection else '-',
        ]
        if not models:
            rows.append('| ' + ' | '.join(method + ['-'] * 5) + ' |')
            continue
        for model in models:
            config = '-'
            if model.config:
                target = model.config
                if osp.isabs(target):
                    target = Path(osp.relpath(target, readme_dir)).as_posix()
                config = _link(Path(model.config).name, target)
            weights = _link('yes', model.weights) if model.weights else 'no'
            results = model.results or [{}]
            for result in results:
                metrics = _get(result, 'Metrics') or {}
                accuracy = next((_get(metrics, m) for m in ACCURACY_METRICS
                                 if _get(metrics, m) is not None), None)
                rows.append('| ' + ' | '.join(method + [
                    _cell(model.name),
                    _cell(_get(result, 'Dataset')),
                    _accuracy(accuracy), weights, config
                ]) + ' |')
    return '\n'.join(rows)


def replace_between_markers(text: str, table: str, readme: Path) -> str:
    """``text`` with the part between the markers replaced by ``table``."""
    starts, ends = text.count(START_MARKER), text.count(END_MARKER)
    if starts != 1 or ends != 1:
        raise ValueError(
            f'{readme} must contain each of the lines {START_MARKER} and '
            f'{END_MARKER} exactly once (found {starts} and {ends}).')
    head, rest = text.split(START_MARKER)
    if END_MARKER not in rest:
        raise ValueError(f'In {readme}, {END_MARKER} comes before {START_MARKER}.')
    _, tail = rest.split(END_MARKER)
    return f'{head}{START_MARKER}\n{table}\n{END_MARKER}{tail}'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--index', help='model-index.yml (default: searched)')
    parser.add_argument('--readme', default=str(REPO_ROOT / 'README.md'),
                        help='the README to update (default: the repo README.md)')
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 when the README is out of date')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    readme = Path(args.readme)
    if not readme.is_file():
        print(f'error: {readme} does not exist', file=sys.stderr)
        return 2
    text = readme.read_text(encoding='utf-8')
    try:
        table = build_table(args.index, readme.resolve().parent)
        updated = replace_between_markers(text, table, readme)
    except (ValueError, FileNotFoundError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    if updated == text:
        print(f'{readme} is up to date.')
        return 0
    if args.check:
        print(f'{readme} is out of date with the model index; run '
              f'"python tools/gen_model_table.py" and commit the result.',
              file=sys.stderr)
        return 1
    readme.write_text(updated, encoding='utf-8')
    print(f'Updated the model table in {readme}.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
