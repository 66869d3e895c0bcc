"""Coreset index files: which samples of a training set a pruned run keeps.

A coreset file is JSON (``.json``), written by
``tools/dataset_converters/make_coreset.py`` and read by
:class:`rszoo.datasets.CoresetDataset`::

    {"format": "rszoo-coreset", "version": 1,
     "method": "tdds" | "random" | ...,
     "dataset_size": N,                  # len() of the data set it was made for
     "dataset_fingerprint": "<sha256>" | null,   # see dataset_fingerprint()
     "keep_ratio": 0.3, "num_kept": K,
     "params": {...},                    # the method's settings (T, W, beta / seed)
     "source": "<trajectory file>" | null,
     "indices": [i_0, ..., i_{K-1}]}     # increasing, unique, in [0, N)

The indices are positions in the wrapped data set (``dataset[i]``, its
``sample_idx``). Selection (:func:`select_highest`, :func:`random_subset`) is
global, with no per-class balancing, as in the TDDS authors' code.
"""
import hashlib
import json
import os.path as osp
from typing import Any, Dict, Optional, Sequence

import numpy as np

from rszoo.fileio import atomic_write_bytes, resolve_path

#: the ``format`` field of a coreset file
CORESET_FORMAT = 'rszoo-coreset'
#: the ``version`` this code writes and reads
CORESET_VERSION = 1


class CoresetFileError(ValueError):
    """A coreset file that cannot be used: malformed, or made for another data
    set. The message names the file and what was expected."""


def keep_count(dataset_size: int, keep_ratio: float) -> int:
    """How many of ``dataset_size`` samples a ``keep_ratio`` keeps:
    ``round(keep_ratio * dataset_size)`` (Python's rounding), at least 1.

    Raises:
        ValueError: ``keep_ratio`` not in ``(0, 1]`` or an empty data set.
    """
    if not 0.0 < keep_ratio <= 1.0:
        raise ValueError(f'keep_ratio must be in (0, 1], got {keep_ratio} '
                         '(the share of samples KEPT; TDDS\'s --subset_rate r is the '
                         'share removed, keep_ratio = 1 - r)')
    if dataset_size < 1:
        raise ValueError(f'dataset_size must be positive, got {dataset_size}')
    return max(1, int(round(keep_ratio * dataset_size)))


def select_highest(scores, keep_ratio: float) -> np.ndarray:
    """The indices of the ``keep_count(N, keep_ratio)`` highest scores.

    Ties are broken by the lower index first (deterministic; the authors'
    ``np.argsort`` leaves them unspecified).

    Args:
        scores (array): ``(N,)`` finite scores, higher = kept first.
        keep_ratio (float): share kept, in ``(0, 1]``.

    Returns:
        np.ndarray: ``(K,)`` int64 indices in increasing order.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 1:
        raise ValueError(f'scores must have shape (N,), got {scores.shape}')
    if not np.isfinite(scores).all():
        raise ValueError(f'scores hold {int((~np.isfinite(scores)).sum())} non-finite '
                         'value(s)')
    num_kept = keep_count(len(scores), keep_ratio)
    order = np.lexsort((np.arange(len(scores)), -scores))  # score desc, index asc
    return np.sort(order[:num_kept]).astype(np.int64)


def random_subset(dataset_size: int, num_kept: int, seed: int) -> np.ndarray:
    """``num_kept`` distinct indices of ``range(dataset_size)`` drawn uniformly
    by ``numpy.random.default_rng(seed)`` (the random-selection baseline).

    Returns:
        np.ndarray: ``(num_kept,)`` int64 indices in increasing order.
    """
    if not 1 <= num_kept <= dataset_size:
        raise ValueError(f'num_kept must be in [1, {dataset_size}], got {num_kept}')
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(dataset_size, size=num_kept, replace=False)).astype(np.int64)


def dataset_fingerprint(dataset) -> Optional[str]:
    """A SHA-256 of the data set's ordered samples, so a coreset made for one
    split is not applied to another split of the same size.

    Hashes, for every index, the image path relative to the data set's
    ``data_root`` (machine independent) and the ``gt_label``, from
    ``dataset.get_data_info(i)``. Returns None when the samples have no
    ``img_path`` (then only the size is checked).
    """
    root = getattr(dataset, 'data_root', None) or ''
    digest = hashlib.sha256()
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        path = info.get('img_path')
        if path is None:
            return None
        path = str(path)
        if root and osp.isabs(path) and path.startswith(osp.join(str(root), '')):
            path = osp.relpath(path, str(root))
        label = info.get('gt_label')
        label = '' if label is None else str(np.asarray(label).tolist())
        digest.update(f'{path}\t{label}\n'.encode('utf-8'))
    return digest.hexdigest()


def write_coreset_file(path: str,
                       indices: Sequence[int],
                       dataset_size: int,
                       method: str,
                       keep_ratio: float,
                       fingerprint: Optional[str] = None,
                       params: Optional[Dict[str, Any]] = None,
                       source: Optional[str] = None) -> Dict[str, Any]:
    """Write a coreset file (atomically) and return its content.

    Args:
        path (str): the ``.json`` file to write (folders are made).
        indices (Sequence[int]): kept indices, unique, in ``[0, dataset_size)``;
            written in increasing order.
        dataset_size (int): ``len()`` of the data set the indices refer to.
        method (str): how they were chosen (``'tdds'``, ``'random'``).
        keep_ratio (float): the requested share kept.
        fingerprint (str, optional): :func:`dataset_fingerprint` of that data set.
        params (dict, optional): the method's settings (JSON-serialisable).
        source (str, optional): the file the selection was made from.
    """
    content = dict(format=CORESET_FORMAT, version=CORESET_VERSION, method=method,
                   dataset_size=int(dataset_size), dataset_fingerprint=fingerprint,
                   keep_ratio=float(keep_ratio), num_kept=len(indices),
                   params=dict(params or {}), source=source,
                   indices=sorted(int(i) for i in indices))
    _check_indices(content['indices'], content['dataset_size'], path)
    head = json.dumps({k: v for k, v in content.items() if k != 'indices'}, indent=1)
    text = f'{head[:-2]},\n "indices": {json.dumps(content["indices"])}\n}}\n'
    atomic_write_bytes(text.encode('utf-8'), path)
    return content


def _check_indices(indices, dataset_size: int, where: str) -> None:
    array = np.asarray(indices)
    if array.size == 0:
        raise CoresetFileError(f'{where}: "indices" is empty; a coreset keeps at least '
                               'one sample')
    outside = array[(array < 0) | (array >= dataset_size)]
    if outside.size:
        raise CoresetFileError(
            f'{where}: {outside.size} index(es) outside [0, {dataset_size}) (first: '
            f'{int(outside[0])}); the file must name positions in a data set of '
            f'{dataset_size} samples')
    values, counts = np.unique(array, return_counts=True)
    if (counts > 1).any():
        raise CoresetFileError(f'{where}: index {int(values[counts > 1][0])} is listed '
                               f'{int(counts.max())} times; indices must be unique')


def read_coreset_file(path: str) -> Dict[str, Any]:
    """Read and check a coreset file (relative paths: working directory, then
    the repository root).

    Returns:
        dict: the file's content, ``indices`` as an int64 ``np.ndarray``.

    Raises:
        FileNotFoundError: no such file.
        CoresetFileError: not JSON, not a coreset file of this version, a
            missing key, indices that are not unique integers in
            ``[0, dataset_size)``, or ``num_kept`` not their count.
    """
    path = resolve_path(path)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'coreset file {path} does not exist (write it with '
            'tools/dataset_converters/make_coreset.py)')
    try:
        with open(path, encoding='utf-8') as f:
            content = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CoresetFileError(f'{path} is not a JSON coreset file ({error})') from None
    if not isinstance(content, dict) or content.get('format') != CORESET_FORMAT:
        raise CoresetFileError(f'{path} is not a coreset file: expected a JSON object '
                               f'with "format": "{CORESET_FORMAT}"')
    if content.get('version') != CORESET_VERSION:
        raise CoresetFileError(f'{path}: coreset file version {content.get("version")!r}, '
                               f'this rszoo reads version {CORESET_VERSION}')
    missing = [k for k in ('dataset_size', 'indices', 'num_kept') if k not in content]
    if missing:
        raise CoresetFileError(f'{path}: missing key(s) {missing}')
    indices, size = content['indices'], content['dataset_size']
    if not isinstance(size, int) or size < 1:
        raise CoresetFileError(f'{path}: "dataset_size" must be a positive integer, '
                               f'got {size!r}')
    if not isinstance(indices, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in indices):
        raise CoresetFileError(f'{path}: "indices" must be a list of integers')
    _check_indices(indices, size, path)
    if content['num_kept'] != len(indices):
        raise CoresetFileError(f'{path}: "num_kept" is {content["num_kept"]} but '
                               f'"indices" lists {len(indices)}')
    content['indices'] = np.asarray(indices, dtype=np.int64)
    return content
