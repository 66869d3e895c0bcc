"""Predict the scene classes of images with a trained model.

    python tools/infer.py CONFIG CHECKPOINT INPUT [--topk 5] [--batch-size 32]
        [--out results.json] [--device cpu] [--data-root DIR] [--max-rows 50]

INPUT is one of:

- an image file;
- a folder, searched recursively for ``jpg jpeg png tif tiff bmp`` files
  (extensions case-insensitive, hidden files skipped), in sorted order;
- a ``.txt`` list with one image path per line; blank lines and ``#``
  comments are skipped, and a split file's ``<path> <label>`` lines work too
  (the trailing integer label is ignored). Relative paths are taken relative
  to ``--data-root`` when given, else to the current directory.

The model is built from CONFIG, CHECKPOINT is loaded strictly with
``torch.load(weights_only=True)``, and the config's test pipeline is applied
(:class:`rszoo.apis.ImageClassificationInferencer`). Class names come from the
checkpoint's ``meta['dataset_meta']``, else from the config's dataset. A table
of the top-k classes is printed (the first ``--max-rows`` images); ``--out``
writes every image's result as JSON::

    {"config": ..., "checkpoint": ..., "topk": 5, "classes": [...],
     "results": [{"img_path": ..., "pred_label": 3, "pred_class": "Beach",
                  "pred_score": 0.91, "topk": [{"label": 3, "class": "Beach",
                  "score": 0.91}, ...]}, ...]}

Like the other tools, the process restarts itself once with the tuned glibc
allocator settings (``RSZOO_DEFAULT_MALLOC=1`` opts out).
"""
import argparse
import json
import os
import os.path as osp
import sys

from rszoo.utils.tool_setup import prepare_tool

prepare_tool()

from rszoo.datasets.scene_classification import (IMG_EXTENSIONS,  # noqa: E402
                                                 is_image_file)
from rszoo.utils import register_all_modules  # noqa: E402

LIST_SUFFIX = '.txt'
_MAX_LISTED = 5


class InferInputError(Exception):
    """INPUT is missing, empty or names missing images; the message says which."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Predict the classes of images with an rszoo model')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('checkpoint', help='checkpoint file (loaded strictly)')
    parser.add_argument(
        'input', help='an image, a folder (searched recursively) or a .txt list of paths')
    parser.add_argument('--topk', type=int, default=5, help='classes listed per image')
    parser.add_argument('--batch-size', type=int, default=32, help='images per forward pass')
    parser.add_argument('--out', help='write the results to this JSON file')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1, ...')
    parser.add_argument(
        '--data-root', help='folder that relative paths in a .txt list are relative to')
    parser.add_argument(
        '--max-rows', type=int, default=50,
        help='images shown in the printed table (0 shows all; --out has every image)')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    args = parser.parse_args(argv)
    if args.topk < 1:
        parser.error(f'--topk must be >= 1, got {args.topk}')
    if args.batch_size < 1:
        parser.error(f'--batch-size must be >= 1, got {args.batch_size}')
    return args


def _listed(paths):
    shown = ', '.join(paths[:_MAX_LISTED])
    return shown + (f', ... ({len(paths) - _MAX_LISTED} more)'
                    if len(paths) > _MAX_LISTED else '')


def images_in_folder(folder):
    """Every image file below ``folder`` (recursive), sorted."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
        found.extend(osp.join(root, name) for name in sorted(files) if is_image_file(name))
    return found


def images_in_list(list_file, data_root=None):
    """The image paths of a ``.txt`` list (one per line, optional label)."""
    paths, missing = [], []
    with open(list_file, encoding='utf-8') as f:
        for line_no, raw in enumerate(f, start=1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.rsplit(None, 1)
            if len(parts) == 2 and parts[1].lstrip('+-').isdigit():
                line = parts[0]  # a split file's "<path> <label>"
            path = osp.expanduser(line)
            if data_root is not None and not osp.isabs(path):
                path = osp.join(data_root, path)
            if not osp.isfile(path):
                missing.append(f'{path} (line {line_no})')
            paths.append(path)
    if missing:
        hint = '' if data_root else ' (relative paths need --data-root if not relative ' \
            f'to the current directory {os.getcwd()})'
        raise InferInputError(
            f'{len(missing)} image(s) listed in {list_file} do not exist: '
            f'{_listed(missing)}{hint}')
    if not paths:
        raise InferInputError(f'The list file {list_file} names no image.')
    return paths


def collect_inputs(input_path, data_root=None):
    """Resolve INPUT (image, folder or .txt list) into a list of image paths."""
    if data_root is not None and not osp.isdir(data_root):
        raise InferInputError(f'--data-root {data_root} is not a folder.')
    if not osp.exists(input_path):
        raise InferInputError(
            f'Input {input_path} does not exist (expected an image, a folder or a '
            f'{LIST_SUFFIX} list of image paths).')
    if osp.isdir(input_path):
        paths = images_in_folder(input_path)
        if not paths:
            raise InferInputError(
                f'The folder {input_path} holds no image file (searched recursively for '
                f'{", ".join(IMG_EXTENSIONS)}, case-insensitive).')
        return paths
    if input_path.lower().endswith(LIST_SUFFIX):
        return images_in_list(input_path, data_root)
    if not is_image_file(osp.basename(input_path)):
        raise InferInputError(
            f'Input {input_path} is neither an image ({", ".join(IMG_EXTENSIONS)}), '
            f'a folder, nor a {LIST_SUFFIX} list.')
    return [input_path]


def _display_name(path, input_path, data_root=None):
    """The path as shown in the table: relative to the folder INPUT or --data-root."""
    base = input_path if osp.isdir(input_path) else data_root
    if base is not None:
        relative = osp.relpath(path, base)
        if not relative.startswith('..'):
            return relative
    return path


def print_table(results, input_path, topk, max_rows, data_root=None):
    """Print the top-k classes and scores of the first ``max_rows`` images."""
    shown = results if max_rows <= 0 else results[:max_rows]
    title = f'Top-{topk} predictions ({len(results)} image(s))'
    rows = [[_display_name(r['img_path'], input_path, data_root)]
            + [f'{t["class"] if t["class"] is not None else t["label"]} {t["score"]:.3f}'
               for t in r['topk']] for r in shown]
    headers = ['image'] + [f'top-{i + 1}' for i in range(len(shown[0]['topk']))]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        Console = None
    if Console is not None:
        table = Table(title=title)
        for header in headers:
            table.add_column(header, overflow='fold')
        for row in rows:
            table.add_row(*row)
        Console(width=max(120, 24 * len(headers))).print(table)
    else:
        print(title)
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
        for row in [headers] + rows:
            print('  '.join(str(x).ljust(w) for x, w in zip(row, widths)))
    if len(shown) < len(results):
        print(f'... {len(results) - len(shown)} more image(s); --out writes all, '
              '--max-rows 0 prints all.')


def main(argv=None):
    args = parse_args(argv)
    try:
        paths = collect_inputs(args.input, args.data_root)
    except InferInputError as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    if not osp.isfile(args.config):
        print(f'error: config file {args.config} does not exist.', file=sys.stderr)
        return 2
    if not osp.isfile(args.checkpoint):
        print(f'error: checkpoint file {args.checkpoint} does not exist.', file=sys.stderr)
        return 2

    register_all_modules()
    from rszoo.apis import ImageClassificationInferencer
    from rszoo.datasets.transforms.loading import BandCountError, CorruptImageError
    inferencer = ImageClassificationInferencer(
        args.config, args.checkpoint, device=args.device)
    try:
        results = inferencer(paths, batch_size=args.batch_size, topk=args.topk,
                             progress=not args.no_progress)
    except (CorruptImageError, BandCountError, FileNotFoundError) as error:
        print(f'error: unreadable image: {error}', file=sys.stderr)
        return 1

    for result in results:
        result.pop('pred_scores')
    print_table(results, args.input, args.topk, args.max_rows, args.data_root)
    if args.out:
        out_dir = osp.dirname(osp.abspath(args.out))
        os.makedirs(out_dir, exist_ok=True)
        report = dict(config=args.config, checkpoint=args.checkpoint, input=args.input,
                      topk=args.topk, classes=inferencer.classes, results=results)
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump(report, f, indent=1)
        print(f'results of {len(results)} image(s) written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
