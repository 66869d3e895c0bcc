"""Write seeded, per-class stratified split files for a scene dataset.

Examples (from the repository root)::

    # one protocol, one seed: splits/aid/20-80_seed0_{train,test}.txt
    python tools/dataset_converters/make_splits.py --dataset AID \\
        --data-root ../shared/data/aid-150px --train-ratio 0.2 --seed 0 \\
        --out-dir splits/aid

    # with a validation set carved from the training share
    python tools/dataset_converters/make_splits.py --dataset AID \\
        --data-root ../shared/data/aid-150px --train-ratio 0.2 \\
        --val-ratio 0.05 --seed 0 --out-dir work_dirs/splits/aid

    # every literature protocol of a dataset, three seeds
    python tools/dataset_converters/make_splits.py --dataset AID \\
        --data-root ../shared/data/aid-150px --protocols --seed 0 1 2 \\
        --out-dir splits/aid

Each line of a split file is ``<ClassFolder>/<file name> <label index>``
relative to the data root; the label is the class' position in the
dataset's official class list. The logic lives in
:mod:`rszoo.datasets.splits`.
"""
import argparse
import sys
from typing import List, Optional



def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write seeded, per-class stratified train/(val)/test '
        'split files of a folder-per-class scene dataset.')
    parser.add_argument(
        '--dataset', required=True,
        help='dataset class name in rszoo DATASETS (AID, UCMerced, '
        'NWPURESISC45, RSSCN7, WHURS19, PatternNet, EuroSATRGB, or '
        'RSSceneDataset for the sorted sub-folders of --data-root)')
    parser.add_argument('--data-root', required=True,
                        help='folder that holds the class folders')
    ratio = parser.add_mutually_exclusive_group(required=True)
    ratio.add_argument('--train-ratio', type=float,
                       help='share of each class for training, in (0, 1)')
    ratio.add_argument('--protocols', action='store_true',
                       help="write the literature's protocols of --dataset "
                       '(e.g. AID 20/80 and 50/50)')
    parser.add_argument('--val-ratio', type=float, default=0.0,
                        help='share of each class for validation, carved from '
                        'the training share (default: 0, no val file)')
    parser.add_argument('--seed', type=int, nargs='+', default=[0],
                        help='seed(s) of numpy.random.default_rng (default: 0)')
    parser.add_argument('--out-dir', required=True,
                        help='folder for <tr>-<te>_seed<seed>_<subset>.txt')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)

    import os

    import rszoo.datasets  # noqa: F401  (registers the datasets)
    from rszoo.datasets import PROTOCOLS, RSSceneDataset, make_splits
    from rszoo.datasets.scene_classification import (check_data_root,
                                                     resolve_path)
    from rszoo.registry import DATASETS

    dataset_cls = DATASETS.get(args.dataset)
    if dataset_cls is None or not (isinstance(dataset_cls, type) and
                                   issubclass(dataset_cls, RSSceneDataset)):
        known = sorted(name for name, cls in DATASETS.module_dict.items()
                       if issubclass(cls, RSSceneDataset))
        raise SystemExit(f'--dataset {args.dataset!r} is not a scene dataset '
                         f'of rszoo; known: {", ".join(known)}')

    data_root = resolve_path(args.data_root)
    check_data_root(data_root, args.dataset)
    classes = dataset_cls.METAINFO.get('classes')
    if classes is None:
        classes = sorted(e.name for e in os.scandir(data_root)
                         if e.is_dir() and not e.name.startswith('.'))

    if args.protocols:
        if args.dataset not in PROTOCOLS:
            raise SystemExit(
                f'No literature protocol is recorded for {args.dataset}; '
                f'give --train-ratio. Recorded: {", ".join(PROTOCOLS)}')
        train_ratios = PROTOCOLS[args.dataset]
    else:
        train_ratios = (args.train_ratio, )

    for train_ratio in train_ratios:
        written = make_splits(data_root, classes, train_ratio, args.out_dir,
                              val_ratio=args.val_ratio, seeds=args.seed,
                              dataset_name=args.dataset)
        for seed, paths in written.items():
            for subset, path in paths.items():
                with open(path, encoding='utf-8') as f:
                    num_lines = sum(1 for _ in f)
                print(f'{args.dataset} seed {seed} {subset:5s} '
                      f'{num_lines:6d} images -> {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
