"""Train / validation / test pixel splits for land-cover sets.

Three protocols, all seeded and stratified by class:

- :func:`stratified_pixel_split`: shares of each class's labelled pixels
  (rszoo's split of the MDL-RS Houston2013 training vectors; built on
  :func:`rszoo.datasets.splits.make_stratified_split`);
- :func:`sample_per_class`: a fixed number (or share) of training pixels per
  class, the rest for testing (the papers' "N training pixels per class");
- :func:`carve_validation`: a validation share carved out of given training
  pixels (a published train mask), so that the best checkpoint is chosen on
  training-side pixels, never on the test pixels (the public MIViT code selects
  on the test set; rszoo does not).

A split is written once to a JSON file (:func:`write_pixel_split`; indexes into
the data set's labelled-pixel order) and committed, so every run and record
names the exact pixels it used.
"""
import json
import os
from typing import Dict, Optional, Sequence, Union

import numpy as np

from rszoo.datasets.splits import make_stratified_split
from rszoo.fileio import atomic_write_bytes, resolve_path

SPLITS = ('train', 'val', 'test')


def stratified_pixel_split(labels: Sequence[int], train_ratio: float, val_ratio: float = 0.0,
                           seed: int = 0) -> Dict[str, np.ndarray]:
    """Split pixel indexes ``0..N-1`` per class into train / val / test.

    Args:
        labels: ``(N,)`` class of each pixel.
        train_ratio: share of each class for training, validation included.
        val_ratio: share of each class (out of ``train_ratio``) for validation.
        seed: seed of the draw.

    Returns:
        ``{'train', 'val', 'test'}`` -> sorted int64 index arrays.
    """
    labels = np.asarray(labels).ravel()
    samples = [(str(i), int(label)) for i, label in enumerate(labels)]
    parts = make_stratified_split(samples, train_ratio, val_ratio, seed=seed)
    return {name: np.sort(np.asarray([int(i) for i, _ in parts[name]], dtype=np.int64))
            for name in SPLITS}


def sample_per_class(labels: Sequence[int],
                     num_per_class: Union[int, float, Sequence[int]],
                     seed: int = 0) -> Dict[str, np.ndarray]:
    """Draw ``num_per_class`` training pixels per class; the rest are test pixels.

    Args:
        labels: ``(N,)`` class of each labelled pixel.
        num_per_class: an int (pixels per class; a class with fewer than
            ``num_per_class + 1`` pixels gives half of them) or a float in (0, 1)
            (share of each class), or one int per class in sorted label order
            (e.g. Trento's standard 129, 125, 105, 154, 184, 122).
        seed: seed of the draw.

    Returns:
        ``{'train', 'test'}`` -> sorted int64 index arrays.
    """
    labels = np.asarray(labels).ravel()
    rng = np.random.default_rng(seed)
    train = []
    classes = np.unique(labels)
    if isinstance(num_per_class, (list, tuple, np.ndarray)):
        if len(num_per_class) != len(classes):
            raise ValueError(f'sample_per_class: {len(num_per_class)} counts for '
                             f'{len(classes)} classes ({classes.tolist()})')
        counts = dict(zip(classes.tolist(), num_per_class))
    else:
        counts = {c: num_per_class for c in classes.tolist()}
    for label in classes:
        members = np.flatnonzero(labels == label)
        wanted = counts[int(label)]
        if isinstance(wanted, float):
            if not 0 < wanted < 1:
                raise ValueError(f'sample_per_class: a share must be in (0, 1), got {wanted}')
            count = max(1, int(round(wanted * len(members))))
        else:
            count = int(wanted)
            if count < 1:
                raise ValueError(f'sample_per_class: num_per_class must be >= 1, got {count}')
            if count >= len(members):
                count = max(1, len(members) // 2)
        train.append(rng.choice(members, size=count, replace=False))
    train = np.sort(np.concatenate(train)).astype(np.int64)
    test = np.setdiff1d(np.arange(len(labels)), train).astype(np.int64)
    return {'train': train, 'test': test}


def carve_validation(labels: Sequence[int], val_ratio: float, seed: int = 0
                     ) -> Dict[str, np.ndarray]:
    """Carve a stratified validation share out of training pixels.

    Args:
        labels: ``(N,)`` classes of the training pixels.
        val_ratio: share of each class moved to validation, in [0, 1); a
            class keeps at least one training pixel.

    Returns:
        ``{'train', 'val'}`` -> sorted int64 indexes into ``labels``.
    """
    if not 0 <= val_ratio < 1:
        raise ValueError(f'carve_validation: val_ratio must be in [0, 1), got {val_ratio}')
    labels = np.asarray(labels).ravel()
    rng = np.random.default_rng(seed)
    val = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = min(int(round(val_ratio * len(members))), len(members) - 1)
        if count > 0:
            val.append(rng.choice(members, size=count, replace=False))
    val = np.sort(np.concatenate(val)).astype(np.int64) if val else np.zeros(0, np.int64)
    train = np.setdiff1d(np.arange(len(labels)), val).astype(np.int64)
    return {'train': train, 'val': val}


def write_pixel_split(path: Union[str, os.PathLike], splits: Dict[str, np.ndarray],
                      meta: Optional[dict] = None) -> None:
    """Write ``splits`` (name -> index array) and ``meta`` as JSON, atomically."""
    payload = {'meta': dict(meta or {}),
               **{name: [int(i) for i in np.asarray(idx)] for name, idx in splits.items()}}
    atomic_write_bytes((json.dumps(payload, indent=None) + '\n').encode('utf-8'), path)


def read_pixel_split(path: Union[str, os.PathLike], split: str) -> np.ndarray:
    """The index array of ``split`` in a file written by :func:`write_pixel_split`."""
    path = resolve_path(path)
    with open(path, encoding='utf-8') as f:
        payload = json.load(f)
    if split not in payload or split == 'meta':
        raise KeyError(f'pixel split file {path} has no split "{split}"; it has '
                       f'{[k for k in payload if k != "meta"]}')
    return np.asarray(payload[split], dtype=np.int64)
