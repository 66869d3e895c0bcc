"""Write seeded, stratified train / val / test pixel splits of a labelled set.

    python tools/dataset_converters/make_pixel_splits.py mdlrs-houston2013 \
        --train-ratio 0.8 --val-ratio 0.2 --seeds 0 1 2 --out-dir splits/houston2013-mdlrs

``mdlrs-houston2013``: the 2,832 MDL-RS Houston2013 training vectors
(``$RSZOO_DATA_ROOT/houston2013-mdlrs-vectors/TrLabel.mat``), split per class into
60 % train / 20 % val / 20 % test (``--train-ratio`` includes the validation
share). One JSON file per seed, ``trainvec_<train>-<val>-<test>_seed<k>.json``,
holding 0-based row indexes (:func:`rszoo.datasets.multimodal.write_pixel_split`).
"""
import argparse
import os.path as osp

import numpy as np

from rszoo.datasets.multimodal import (read_mat_array, stratified_pixel_split,
                                       write_pixel_split)
from rszoo.fileio import data_root

SOURCES = {'mdlrs-houston2013': ('houston2013-mdlrs-vectors', 'TrLabel.mat', 'TrLabel')}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('source', choices=sorted(SOURCES))
    parser.add_argument('--train-ratio', type=float, default=0.8)
    parser.add_argument('--val-ratio', type=float, default=0.2)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--out-dir', default='splits/houston2013-mdlrs')
    args = parser.parse_args(argv)
    folder, file, key = SOURCES[args.source]
    labels = read_mat_array(osp.join(data_root(folder), file), key).ravel().astype(np.int64)
    pct = [round(100 * r) for r in (args.train_ratio - args.val_ratio, args.val_ratio,
                                    1 - args.train_ratio)]
    for seed in args.seeds:
        splits = stratified_pixel_split(labels, args.train_ratio, args.val_ratio, seed=seed)
        path = osp.join(args.out_dir, f'trainvec_{pct[0]}-{pct[1]}-{pct[2]}_seed{seed}.json')
        meta = {'source': f'{folder}/{file}:{key}', 'rows': int(len(labels)), 'seed': seed,
                'train_ratio': args.train_ratio, 'val_ratio': args.val_ratio,
                'counts': {k: int(len(v)) for k, v in splits.items()},
                'made_by': 'tools/dataset_converters/make_pixel_splits.py'}
        write_pixel_split(path, splits, meta)
        print(path, meta['counts'])


if __name__ == '__main__':
    main()
