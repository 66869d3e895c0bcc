"""Make a class-attribute matrix by machine (DSVA's automatic attribute
annotation; :mod:`rszoo.models.class_embeddings.attribute_annotation`).

Each image of each class is scored against every attribute of a vocabulary by
the cosine similarity of its open_clip image embedding and the attribute's
prompt-ensembled text embedding; the scores are averaged per class. Writes
``OUT.npy`` (C x A float32), ``OUT.txt`` (class names: the sidecar that
``AttributeMatrixEmbedding(path=OUT.npy)`` and DSVA's ``class_attributes``
read), ``OUT.attributes.txt`` and ``OUT.meta.json`` (what made it).

Examples (from the repository root)::

    # image-based attributes (the paper's annotation) from a DSVA config's
    # `attribute_annotation` dict, with a LOCAL open_clip checkpoint; writes the file the
    # config's model reads (work_dirs/dsva/attributes/aid150_rs-visual-attributes.npy)
    python tools/zeroshot/annotate_attributes.py \\
        configs/dsva/dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24_30e.py \\
        --model-name ViT-B-32 --pretrained /path/to/open_clip_vit-b-32.pt

    # everything on the command line, at most 50 images per class
    python tools/zeroshot/annotate_attributes.py --dataset AID \\
        --data-root ../shared/data/aid-150px --classes-from splits/zsl/aid/aid_25-5_seed0.json \\
        --model-name ViT-B-32 --pretrained /path/to/ckpt.pt --max-per-class 50 \\
        --out work_dirs/dsva/attributes/aid150_clip.npy

    # FALLBACK without CLIP weights: text-only MiniLM class-attribute similarity, written to
    # its own file so that it is never mistaken for the image-based matrix
    python tools/zeroshot/annotate_attributes.py configs/dsva/dsva_vit-small_aid150-25-5_1xb24.py \\
        --text-only --out work_dirs/dsva/attributes/aid150_text-only-minilm.npy

The text-only fallback uses no image and no CLIP: its ``OUT.meta.json`` says
``"source": "text-only fallback (MiniLM)"``; report it as such (DSVA logs a
warning when it reads such a matrix). ``--normalize zscore`` standardises each
attribute column over the file's classes; rszoo's DSVA configs keep the plain
class means in the file and z-score at load time instead
(``model.attribute_normalization='zscore'``, over the run's classes only). A random
CLIP (no ``--pretrained``) is refused unless ``--allow-random-weights`` (smoke
tests only). Nothing is downloaded.
"""
import argparse
import json
import os.path as osp
import sys
from typing import List, Optional



def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Annotate class attributes by image-text similarity (DSVA).')
    parser.add_argument('config', nargs='?', help='config file with an annotation dict '
                        '(see --key); command-line options override it')
    parser.add_argument('--key', default='attribute_annotation',
                        help='name of the dict in the config (default: attribute_annotation)')
    model = parser.add_mutually_exclusive_group()
    model.add_argument('--model-name', help='open_clip architecture, e.g. ViT-B-32')
    model.add_argument('--model-cfg', help='open_clip config: a JSON file or a Python dict '
                       'literal (open_clip model_configs format)')
    parser.add_argument('--pretrained', help='LOCAL open_clip checkpoint file')
    parser.add_argument('--allow-random-weights', action='store_true',
                        help='run without --pretrained (random CLIP: smoke tests only)')
    parser.add_argument('--text-only', action='store_true',
                        help='FALLBACK: MiniLM class-name vs attribute-text similarity, no '
                        'images, no CLIP')
    parser.add_argument('--dataset', help='rszoo dataset type, e.g. AID, RSSceneDataset')
    parser.add_argument('--data-root', help='the dataset\'s folder of class folders')
    parser.add_argument('--classes-from', help='ClassSplit JSON: its classes (label order) '
                        'are the rows; the dataset must have the same classes')
    parser.add_argument('--vocabulary', help='attribute vocabulary file (default: '
                        'configs/dsva/attributes/rs_visual_attributes.txt)')
    parser.add_argument('--templates', nargs='+', help='attribute prompt templates with {}')
    parser.add_argument('--normalize', choices=('none', 'softmax', 'zscore'),
                        help='post-processing of the matrix (default none)')
    parser.add_argument('--max-per-class', type=int, help='images per class (seeded subset)')
    parser.add_argument('--seed', type=int, help='seed of --max-per-class (default 0)')
    parser.add_argument('--batch-size', type=int, help='images per forward pass (default 32)')
    parser.add_argument('--device', help='torch device (default cpu)')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    parser.add_argument('--out', help='output .npy path')
    return parser.parse_args(argv)


def _literal(text: str):
    import ast
    if osp.isfile(text):
        with open(text, encoding='utf-8') as f:
            return json.load(f)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise SystemExit(f'--model-cfg {text!r} is neither a JSON file nor a dict literal') \
            from None


def settings(args: argparse.Namespace) -> dict:
    """The annotation settings: the config's dict, then the command line."""
    opts = {}
    if args.config:
        from mmengine.config import Config
        cfg = Config.fromfile(args.config)
        if args.key not in cfg:
            raise SystemExit(f'{args.config} has no {args.key!r} dict')
        value = cfg[args.key]
        opts = dict(value.to_dict() if hasattr(value, 'to_dict') else value)
    if args.dataset or args.data_root:
        dataset = dict(opts.get('dataset') or {})
        if args.dataset:
            dataset['type'] = args.dataset
        if args.data_root:
            dataset['data_root'] = args.data_root
        opts['dataset'] = dataset
    if args.model_name:
        opts['model_name'], opts['model_cfg'] = args.model_name, None
    if args.model_cfg:
        opts['model_cfg'], opts['model_name'] = _literal(args.model_cfg), None
    for key in ('pretrained', 'vocabulary', 'templates', 'normalize', 'max_per_class', 'seed',
                'batch_size', 'device', 'out'):
        value = getattr(args, key)
        if value is not None:
            opts[key] = value
    if args.classes_from:
        opts['class_split'] = args.classes_from
    if args.text_only:
        opts['text_only'] = True
    if not opts.get('out'):
        raise SystemExit('give --out (or "out" in the config\'s dict)')
    if not opts['out'].endswith('.npy'):
        opts['out'] += '.npy'
    return opts


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    from rszoo.models.class_embeddings import attribute_annotation as aa
    from rszoo.utils import register_all_modules

    register_all_modules()
    opts = settings(args)
    attributes = aa.load_attribute_vocabulary(opts.get('vocabulary'))
    split = None
    if opts.get('class_split'):
        from rszoo.fileio import resolve_path
        from rszoo.datasets.zeroshot import ClassSplit
        split = ClassSplit.from_file(resolve_path(opts['class_split']))
    extra = dict(vocabulary=opts.get('vocabulary') or aa.DEFAULT_VOCABULARY,
                 class_split=opts.get('class_split'))

    if opts.get('text_only'):
        if split is not None:
            classes = list(split.classes)
        else:
            if not opts.get('dataset'):
                raise SystemExit('--text-only needs the classes: --classes-from or --dataset')
            from rszoo.registry import DATASETS
            dataset = DATASETS.build(dict(opts['dataset']))
            classes = [str(c) for c in dataset.metainfo['classes']]
        text_kwargs = {k: opts[k] for k in ('class_template', 'attribute_template',
                                            'model_path') if opts.get(k)}
        normalize = opts.get('normalize', 'none')
        annotation = aa.text_only_class_attributes(classes, attributes, normalize=normalize,
                                                   **text_kwargs)
    else:
        if not opts.get('dataset'):
            raise SystemExit('give the images: --dataset/--data-root or a config whose '
                             f'{args.key!r} has a "dataset" dict')
        if not (opts.get('model_name') or opts.get('model_cfg')):
            raise SystemExit('give --model-name or --model-cfg (an open_clip model), or '
                             '--text-only for the MiniLM fallback')
        if not opts.get('pretrained') and not args.allow_random_weights:
            raise SystemExit('no --pretrained checkpoint: a random CLIP gives meaningless '
                             'attributes. Give a local open_clip checkpoint, or use --text-only '
                             '(documented fallback), or --allow-random-weights for a smoke test.')
        from rszoo.registry import DATASETS
        dataset_cfg = dict(opts['dataset'])
        dataset_cfg.pop('pipeline', None)
        if split is not None:
            dataset_cfg.setdefault('classes', list(split.classes))
        dataset = DATASETS.build(dataset_cfg)
        samples, classes = aa.dataset_samples(dataset, opts.get('max_per_class'),
                                              opts.get('seed', 0) or 0)
        if split is not None:
            split.check_classes(classes, type(dataset).__name__)
        annotation = aa.annotate_attributes(
            samples, classes, attributes, model_name=opts.get('model_name'),
            model_cfg=opts.get('model_cfg'), pretrained=opts.get('pretrained'),
            templates=opts.get('templates') or aa.ATTRIBUTE_TEMPLATES,
            normalize=opts.get('normalize', 'none'),
            batch_size=int(opts.get('batch_size', 32)), device=opts.get('device', 'cpu'),
            progress=not args.no_progress,
            allow_random_weights=args.allow_random_weights)
        extra.update(dataset=dataset_cfg, max_per_class=opts.get('max_per_class'))
    paths = aa.write_attribute_matrix(annotation, opts['out'], extra_metadata=extra)
    rows, cols = annotation.matrix.shape
    print(f'{annotation.metadata["source"]}: {rows} classes x {cols} attributes '
          f'(normalize={annotation.metadata.get("normalize", "none")}) -> '
          f'{paths["matrix"]} (+ {osp.basename(paths["class_names"])}, '
          f'{osp.basename(paths["attribute_names"])}, {osp.basename(paths["metadata"])})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
