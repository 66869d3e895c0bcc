"""Write the seeded 24/12 split of the HRSID mini-set (``shared/data/hrsid-mini``).

The 36 chips (sorted by file name) are permuted with
``numpy.random.default_rng(seed)``: the first 12 are the held-out **test**
tiles; of the other 24, the first 4 are **val** (checkpoint monitoring) and the
remaining 20 **train**. ``trainval`` lists all 24. One file name per line::

    python splits/hrsid-mini/make_split.py [--seed 0]

writes ``24-12_seed<seed>_{train,val,trainval,test}.txt`` next to this script.
"""
import argparse
import json
import os.path as osp
import sys

import numpy as np

HERE = osp.dirname(osp.abspath(__file__))
sys.path.insert(0, osp.dirname(osp.dirname(HERE)))
from rszoo.fileio import atomic_write_bytes, data_root  # noqa: E402

N_TEST, N_VAL = 12, 4


def make_split(names, seed):
    names = sorted(names)
    order = np.random.default_rng(seed).permutation(len(names))
    shuffled = [names[i] for i in order]
    test, rest = shuffled[:N_TEST], shuffled[N_TEST:]
    val, train = rest[:N_VAL], rest[N_VAL:]
    return dict(train=sorted(train), val=sorted(val), trainval=sorted(rest), test=sorted(test))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--data-root', default=data_root('hrsid-mini'))
    args = parser.parse_args()
    with open(osp.join(args.data_root, 'boxes_from_masks.json'), encoding='utf-8') as f:
        names = [img['file_name'] for img in json.load(f)['images']]
    for part, files in make_split(names, args.seed).items():
        out = osp.join(HERE, f'24-12_seed{args.seed}_{part}.txt')
        atomic_write_bytes(''.join(n + '\n' for n in files).encode('utf-8'), out)
        print(f'{out}: {len(files)} images')


if __name__ == '__main__':
    main()
