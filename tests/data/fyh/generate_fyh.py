"""Write tiny fake FYH data (DIAnet's FY-4A/Himawari-8 tile layout) for tests and smoke runs.

    python tests/data/fyh/generate_fyh.py OUT [--size 100] [--train 8] [--test 4] [--seed 0]

Layout (as the authors' ``split.py`` writes it, see ``rszoo/datasets/fyh.py``)::

    OUT/mattrain/<stem>_<k>.mat       key 'data': size x size x 14 float32 in [0, 1]
    OUT/matmasktrain/<stem>_<k>.mat   key 'data': size x size uint8, class ids 0..10
    OUT/mattest/...   OUT/matmasktest/...

The stems look like the real FY-4A L1 file names (date and time inside). The
labels are smooth random blobs of the 11 classes, each tile holding at most 1/8
of class 10 (as the authors' tile filter); each channel is a class-dependent
level plus noise, so a network can learn the mapping in a few steps.
Deterministic for a given seed (``numpy.random.default_rng``).
"""
import argparse
import os
import os.path as osp

import numpy as np

NUM_CLASSES = 11
NUM_BANDS = 14
STEM = ('FY4A-_AGRI--_N_REGC_1047E_L1-_FDI-_MULT_NOM_202006{day:02d}0{hour}3000_'
        '202006{day:02d}0{hour}3417_4000M_V0001')


def smooth_labels(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size x size`` uint8 class ids: the argmax of 11 blurred noise fields,
    with class 10 (Uncertain) capped at 1/8 of the pixels."""
    coarse = max(size // 16, 2)
    fields = rng.random((NUM_CLASSES, coarse, coarse))
    reps = -(-size // coarse)
    fields = np.kron(fields, np.ones((1, reps, reps)))[:, :size, :size]
    fields[NUM_CLASSES - 1] -= 0.3  # keep Uncertain rare
    labels = fields.argmax(0).astype(np.uint8)
    uncertain = np.flatnonzero(labels == NUM_CLASSES - 1)
    if uncertain.size > size * size // 8:
        labels.flat[uncertain[size * size // 8:]] = 0
    return labels


def fake_tile(rng: np.random.Generator, size: int, levels: np.ndarray):
    """(image ``size x size x 14`` float32 in [0, 1], label ``size x size`` uint8)."""
    labels = smooth_labels(rng, size)
    image = levels[labels] + 0.05 * rng.standard_normal((size, size, NUM_BANDS))
    return np.clip(image, 0., 1.).astype(np.float32), labels


def generate(out: str, size: int = 100, num_train: int = 8, num_test: int = 4,
             seed: int = 0) -> dict:
    """Write the fake data set under ``out``; returns ``{split: [file names]}``."""
    import scipy.io
    rng = np.random.default_rng(seed)
    levels = rng.random((NUM_CLASSES, NUM_BANDS))  # per class, per band mean
    names = {}
    for split, count in (('train', num_train), ('test', num_test)):
        img_dir, ann_dir = osp.join(out, f'mat{split}'), osp.join(out, f'matmask{split}')
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(ann_dir, exist_ok=True)
        names[split] = []
        for k in range(count):
            stem = STEM.format(day=1 + k // 4 + (10 if split == 'test' else 0), hour=k % 4)
            name = f'{stem}_{k}.mat'
            image, labels = fake_tile(rng, size, levels)
            scipy.io.savemat(osp.join(img_dir, name), {'data': image})
            scipy.io.savemat(osp.join(ann_dir, name), {'data': labels})
            names[split].append(name)
    return names


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', help='output folder (e.g. work_dirs/fyh-fake)')
    parser.add_argument('--size', type=int, default=100, help='tile side (FYH: 100)')
    parser.add_argument('--train', type=int, default=8, help='training tiles')
    parser.add_argument('--test', type=int, default=4, help='test tiles')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    names = generate(args.out, args.size, args.train, args.test, args.seed)
    print(f'wrote {len(names["train"])} train and {len(names["test"])} test tiles of '
          f'{args.size} x {args.size} x {NUM_BANDS} to {args.out}')


if __name__ == '__main__':
    main()
