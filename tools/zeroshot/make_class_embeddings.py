"""Write the class-embedding matrix of a provider (``CLASS_EMBEDDINGS``) for a
list of classes: ``OUT.npy`` (``(C, D)`` float32) and ``OUT.txt`` (the class
names, one a line, in row order).

Examples (from the repository root)::

    # GloVe 6B-50d of the AID classes of a split file
    python tools/zeroshot/make_class_embeddings.py --type GloVeEmbedding \\
        --classes-from splits/zsl/aid/aid_25-5_seed0.json --out work_dirs/emb/aid_glove.npy

    # MiniLM sentence embeddings with a template, UC Merced names via aliases
    python tools/zeroshot/make_class_embeddings.py --type SentenceEmbedding \\
        --cfg-options "template=an aerial image of {}." aliases=ucmerced \\
        --classes-from splits/zsl/ucmerced/ucmerced_16-5_seed0.json --out work_dirs/emb/ucm.npy

    # from a config file holding `class_embedding = dict(type=..., ...)`
    python tools/zeroshot/make_class_embeddings.py my_embedding_cfg.py \\
        --classes-file ../shared/data/rsskg-semantic-vectors/classes_inferred.txt \\
        --out work_dirs/emb/rssdivcs.npy

The class list comes from a ClassSplit JSON (``--classes-from``, all its
``classes`` in label order), a text file (``--classes-file``), or an rszoo data
set's ``METAINFO`` (``--dataset``). The ``.txt`` beside the ``.npy`` is the
sidecar that ``AttributeMatrixEmbedding(path=OUT.npy)`` matches rows by.
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional



def parse_value(text: str):
    """A Python literal (``True``, ``0.5``, ``['a {}.']``, ``{'Forest': 'x'}``)
    or JSON (``true``, ``null``) if it parses as one, else the text itself
    (spaces kept: ``"template=an aerial image of {}."``)."""
    import ast
    import json
    for parse in (ast.literal_eval, json.loads):
        try:
            return parse(text)
        except (ValueError, SyntaxError, TypeError):
            pass
    return text


class KeyValueAction(argparse.Action):
    """``key=value ...`` into a dict, values through :func:`parse_value`."""

    def __call__(self, parser, namespace, values, option_string=None):
        options = dict(getattr(namespace, self.dest, None) or {})
        for item in values:
            if '=' not in item:
                parser.error(f'{option_string}: expected key=value, got {item!r}')
            key, value = item.split('=', 1)
            options[key.strip()] = parse_value(value)
        setattr(namespace, self.dest, options)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write a class-embedding matrix (.npy) and its class names (.txt).')
    parser.add_argument('config', nargs='?',
                        help='config file with a class-embedding dict (see --key)')
    parser.add_argument('--key', default='class_embedding',
                        help='name of the dict in the config (default: class_embedding)')
    parser.add_argument('--type', help='provider name in CLASS_EMBEDDINGS (instead of a '
                        'config), e.g. GloVeEmbedding, SentenceEmbedding, RSKGEmbedding, '
                        'AttributeMatrixEmbedding, OpenCLIPTextEmbedding')
    parser.add_argument('--cfg-options', nargs='+', action=KeyValueAction, default={},
                        help='provider arguments key=value (override the config)')
    classes = parser.add_mutually_exclusive_group(required=True)
    classes.add_argument('--classes-from', help='ClassSplit JSON file (its "classes")')
    classes.add_argument('--classes-file', help='text file, one class name a line')
    classes.add_argument('--dataset', help='rszoo dataset name (METAINFO classes)')
    parser.add_argument('--out', required=True, help='output .npy path')
    return parser.parse_args(argv)


def read_classes(args: argparse.Namespace) -> List[str]:
    from rszoo.fileio import resolve_path
    if args.classes_from:
        from rszoo.datasets.zeroshot import ClassSplit
        return list(ClassSplit.from_file(resolve_path(args.classes_from)).classes)
    if args.classes_file:
        path = resolve_path(args.classes_file)
        if not osp.isfile(path):
            raise SystemExit(f'--classes-file {args.classes_file} does not exist')
        with open(path, encoding='utf-8') as f:
            return [line.strip() for line in f if line.strip()]
    import rszoo.datasets  # noqa: F401
    from rszoo.registry import DATASETS
    dataset_cls = DATASETS.get(args.dataset)
    classes = getattr(dataset_cls, 'METAINFO', {}).get('classes') if dataset_cls else None
    if not classes:
        raise SystemExit(f'--dataset {args.dataset!r} has no fixed class list')
    return list(classes)


def provider_cfg(args: argparse.Namespace) -> dict:
    if args.config:
        from mmengine.config import Config
        cfg = Config.fromfile(args.config)
        if args.key not in cfg:
            raise SystemExit(f'{args.config} has no {args.key!r} dict')
        provider = dict(cfg[args.key].to_dict() if hasattr(cfg[args.key], 'to_dict')
                        else cfg[args.key])
    elif args.type:
        provider = dict(type=args.type)
    else:
        raise SystemExit('give a CONFIG file or --type')
    if args.type:
        provider['type'] = args.type
    provider.update(args.cfg_options)
    return provider


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    import numpy as np

    import rszoo.models  # noqa: F401  (registers the providers)
    from rszoo.fileio import atomic_save_npy
    from rszoo.registry import CLASS_EMBEDDINGS

    classes = read_classes(args)
    provider = CLASS_EMBEDDINGS.build(provider_cfg(args))
    matrix = provider(classes)
    out = args.out if args.out.endswith('.npy') else args.out + '.npy'
    atomic_save_npy(np.asarray(matrix, dtype=np.float32), out)
    names_path = osp.splitext(out)[0] + '.txt'
    with open(names_path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(classes) + '\n')
    print(f'{provider!r}: {matrix.shape[0]} classes x {matrix.shape[1]} dims -> {out} '
          f'(+ {names_path})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
