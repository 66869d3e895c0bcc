"""Write seeded seen/unseen class splits (ClassSplit JSON) for zero-shot scene
classification.

Examples (from the repository root)::

    # AID 25 seen / 5 unseen, seeds 0-4: splits/zsl/aid/aid_25-5_seed{0..4}.json
    python tools/dataset_converters/make_zsl_splits.py --dataset AID \\
        --num-unseen 5 --seeds 0 1 2 3 4 --out-dir splits/zsl/aid

    # the 70 RSSDIVCS classes, 60/10, from a class-name list
    python tools/dataset_converters/make_zsl_splits.py --dataset RSSDIVCS \\
        --classes-file ../shared/data/rsskg-semantic-vectors/classes_inferred.txt \\
        --num-unseen 10 --seeds 0 1 2 3 4 --out-dir splits/zsl/rssdivcs

``--dataset`` alone takes the class list (in label order) from the rszoo data
set's ``METAINFO``; with ``--classes-file`` (one name a line) it only names the
data set in the file. ``numpy.random.default_rng(seed)`` draws the unseen
classes, then the ``val_unseen`` classes among the seen ones (default count:
the number of unseen classes, at most half of the seen classes); see
:func:`rszoo.datasets.zeroshot.make_class_split`. The same arguments always
write the same files. Every file family under ``splits/zsl/`` and the command
that made it are listed in ``splits/zsl/README.md``.
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional



def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write seeded seen/unseen class split files (ClassSplit JSON).')
    parser.add_argument('--dataset', required=True,
                        help='rszoo dataset name (AID, UCMerced, NWPURESISC45, ...: the '
                        'classes come from its METAINFO), or any name with --classes-file')
    parser.add_argument('--classes-file',
                        help='text file with one class name a line, in label order')
    parser.add_argument('--num-unseen', type=int, required=True,
                        help='number of unseen (test) classes')
    parser.add_argument('--num-val-unseen', type=int, default=None,
                        help='number of pseudo-unseen validation classes drawn from the '
                        'seen ones (default: --num-unseen, at most half of the seen)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='seeds of numpy.random.default_rng, one file each (default: 0)')
    parser.add_argument('--out-dir', required=True, help='folder for the JSON files')
    parser.add_argument('--prefix', default=None,
                        help='file name prefix (default: the lower-cased --dataset)')
    parser.add_argument('--source', default=None,
                        help='text for the "source" field (default: says how it was made)')
    return parser.parse_args(argv)


def read_classes(args: argparse.Namespace) -> List[str]:
    if args.classes_file:
        from rszoo.fileio import resolve_path
        path = resolve_path(args.classes_file)
        if not osp.isfile(path):
            raise SystemExit(f'--classes-file {args.classes_file} does not exist')
        with open(path, encoding='utf-8') as f:
            classes = [line.strip() for line in f if line.strip()]
        if not classes:
            raise SystemExit(f'--classes-file {path} lists no class')
        return classes
    import rszoo.datasets  # noqa: F401  (registers the datasets)
    from rszoo.registry import DATASETS
    dataset_cls = DATASETS.get(args.dataset)
    classes = getattr(dataset_cls, 'METAINFO', {}).get('classes') if dataset_cls else None
    if not classes:
        raise SystemExit(f'--dataset {args.dataset!r} is not an rszoo dataset with a fixed '
                         'class list (METAINFO["classes"]); give --classes-file')
    return list(classes)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    from rszoo.datasets.zeroshot import make_class_split

    classes = read_classes(args)
    prefix = args.prefix or args.dataset.lower()
    num_seen = len(classes) - args.num_unseen
    os.makedirs(args.out_dir, exist_ok=True)
    for seed in args.seeds:
        source = args.source or (
            f'seeded random split: tools/dataset_converters/make_zsl_splits.py --dataset '
            f'{args.dataset} --num-unseen {args.num_unseen} --seeds {seed}'
            + (f' --num-val-unseen {args.num_val_unseen}'
               if args.num_val_unseen is not None else ''))
        try:
            split = make_class_split(classes, args.num_unseen, seed=seed,
                                     num_val_unseen=args.num_val_unseen,
                                     dataset=args.dataset, source=source)
        except ValueError as error:
            raise SystemExit(str(error)) from None
        path = osp.join(args.out_dir, f'{prefix}_{num_seen}-{args.num_unseen}_seed{seed}.json')
        split.to_file(path)
        print(f'{args.dataset} seed {seed}: {len(split.seen)} seen ({len(split.val_unseen)} '
              f'val_unseen), {len(split.unseen)} unseen {list(split.unseen)} -> {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
