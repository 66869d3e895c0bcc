"""Seeded, per-class stratified train/val/test splits of scene datasets.

Scene-classification benchmarks without an official split (AID, UC Merced,
NWPU-RESISC45, ...) are evaluated on random per-class splits: a fixed share
of every class trains, the rest tests (e.g. AID 20%/80%). This module draws
such splits reproducibly and writes them as split files, one
``<ClassFolder>/<file name> <label index>`` line per image, relative to the
data root (mmpretrain's ann-file convention, read by
:class:`rszoo.datasets.RSSceneDataset` through ``split_file``).

Per class with ``n`` images (file names sorted, then permuted by
``numpy.random.default_rng(seed)``, one generator drawn through the classes
in label order)::

    n_train = max(1, round(n * train_ratio))     # at most n - 1
    n_val   = round(n * val_ratio)               # >= 1 if val_ratio > 0
    val     = permuted[:n_val]                   # carved from the train share
    train   = permuted[n_val:n_train]
    test    = permuted[n_train:]

so the test set of a protocol is the same with or without a validation
set. ``round`` is Python's (half to even).
"""
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

#: The literature's train ratios per dataset (train/test, no validation).
PROTOCOLS: Dict[str, Tuple[float, ...]] = {
    'AID': (0.2, 0.5),
    'UCMerced': (0.8, 0.5),
    'NWPURESISC45': (0.1, 0.2),
    'RSSCN7': (0.2, 0.5),
    'WHURS19': (0.4, 0.6),
    'EuroSATRGB': (0.8, ),
}

Sample = Tuple[str, int]


def _percent(ratio: float) -> str:
    """``0.2 -> '20'``, ``0.025 -> '2.5'``."""
    return format(round(ratio * 100, 6), 'g')


def split_prefix(train_ratio: float, seed: int) -> str:
    """File-name prefix of a split, e.g. ``'20-80_seed0'`` for
    ``train_ratio=0.2, seed=0``."""
    return (f'{_percent(train_ratio)}-{_percent(1 - train_ratio)}'
            f'_seed{seed}')


def make_stratified_split(samples: Sequence[Sample],
                          train_ratio: float,
                          val_ratio: float = 0.0,
                          seed: int = 0,
                          classes: Optional[Sequence[str]] = None
                          ) -> Dict[str, List[Sample]]:
    """Split ``(relative path, label)`` samples per class.

    Args:
        samples (Sequence[tuple[str, int]]): every image of the dataset, e.g.
            from :func:`rszoo.datasets.scan_class_folders`.
        train_ratio (float): share of each class for training (including
            the validation images), in ``(0, 1)``.
        val_ratio (float): share of each class, taken out of the training
            share, for validation. Defaults to 0 (no validation set).
        seed (int): seed of ``numpy.random.default_rng``.
        classes (Sequence[str], optional): class names, for error messages.

    Returns:
        dict[str, list[tuple[str, int]]]: ``'train'``, ``'val'`` and
        ``'test'`` samples, each in class order, then file-name order.

    Raises:
        ValueError: a ratio is outside its range, a class has too few images
            for a non-empty train and test share, or there are no samples.
    """
    if not 0 < train_ratio < 1:
        raise ValueError(f'train_ratio must be in (0, 1), got {train_ratio}')
    if not 0 <= val_ratio < train_ratio:
        raise ValueError(f'val_ratio must be in [0, train_ratio={train_ratio})'
                         f', got {val_ratio}')
    if not samples:
        raise ValueError('make_stratified_split: no samples to split.')

    by_label: Dict[int, List[str]] = defaultdict(list)
    for rel_path, label in samples:
        by_label[int(label)].append(rel_path)

    rng = np.random.default_rng(seed)
    subset_of: Dict[Tuple[str, int], str] = {}
    for label in sorted(by_label):
        files = sorted(by_label[label])
        n = len(files)
        name = classes[label] if classes is not None else f'label {label}'
        if n < 2:
            raise ValueError(f'class {name!r} has {n} image(s); a train/test '
                             'split needs at least 2.')
        n_train = min(max(1, round(n * train_ratio)), n - 1)
        n_val = max(1, round(n * val_ratio)) if val_ratio > 0 else 0
        if n_val >= n_train:
            raise ValueError(
                f'class {name!r}: {n} images give {n_train} for training, too '
                f'few to carve {n_val} validation image(s) from.')
        permuted = [files[i] for i in rng.permutation(n)]
        for rel_path in permuted[:n_val]:
            subset_of[(rel_path, label)] = 'val'
        for rel_path in permuted[n_val:n_train]:
            subset_of[(rel_path, label)] = 'train'
        for rel_path in permuted[n_train:]:
            subset_of[(rel_path, label)] = 'test'

    splits: Dict[str, List[Sample]] = {'train': [], 'val': [], 'test': []}
    for label in sorted(by_label):
        for rel_path in sorted(by_label[label]):
            splits[subset_of[(rel_path, label)]].append((rel_path, label))
    return splits


def write_split_files(splits: Dict[str, List[Sample]],
                      out_dir: str,
                      train_ratio: float,
                      seed: int) -> Dict[str, str]:
    """Write ``<out_dir>/<tr>-<te>_seed<seed>_<subset>.txt`` per non-empty
    subset (``val`` only when it has images).

    Returns:
        dict[str, str]: subset name -> path written.
    """
    os.makedirs(out_dir, exist_ok=True)
    prefix = split_prefix(train_ratio, seed)
    written = {}
    for subset in ('train', 'val', 'test'):
        if not splits.get(subset):
            continue
        path = osp.join(out_dir, f'{prefix}_{subset}.txt')
        with open(path, 'w', encoding='utf-8', newline='\n') as f:
            f.writelines(f'{rel_path} {label}\n'
                         for rel_path, label in splits[subset])
        written[subset] = path
    return written


def make_splits(data_root: str,
                classes: Sequence[str],
                train_ratio: float,
                out_dir: str,
                val_ratio: float = 0.0,
                seeds: Sequence[int] = (0, ),
                dataset_name: str = 'dataset') -> Dict[int, Dict[str, str]]:
    """Scan ``data_root`` and write one split per seed.

    Returns:
        dict[int, dict[str, str]]: seed -> subset -> path written.
    """
    from .scene_classification import scan_class_folders
    samples = scan_class_folders(data_root, classes, dataset_name)
    written = {}
    for seed in seeds:
        splits = make_stratified_split(samples, train_ratio, val_ratio, seed,
                                       classes)
        written[seed] = write_split_files(splits, out_dir, train_ratio, seed)
    return written
