"""Seen/unseen class splits for zero-shot (ZSL) and generalised zero-shot (GZSL)
scene classification, stored as JSON files that configs point at.

A split file (``splits/zsl/<dataset>/<name>.json``)::

    {"dataset": "AID",
     "classes": [all class names, in the data set's label order],
     "seen": [...], "unseen": [...],
     "val_unseen": [...],      # a subset of "seen": pseudo-unseen classes for tuning
     "seed": 0, "source": "where the split comes from"}

``seen`` and ``unseen`` partition ``classes``. Hyper-parameters (the calibration
factor of calibrated stacking, loss weights, epochs) are tuned by training on
``seen - val_unseen`` and testing on ``val_unseen``: the unseen test classes are
never looked at while tuning.

Seen-class images are divided into a training part and a held-out ``test_seen``
part by :func:`split_seen_images` (per class, seeded), as in the GZSL protocol
of Xian et al. (TPAMI 2019): GZSL accuracy on seen classes is measured on
images never trained on.
"""
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from rszoo.fileio import REPO_ROOT, atomic_write_bytes, resolve_path

#: The one vocabulary of zero-shot subsets. A data set's ``subset`` names a set
#: of images; each image subset is drawn under one of the split's two class
#: partitions, ``'test'`` (the split's seen / unseen classes) or ``'val'`` (its
#: validation classes: seen minus ``val_unseen`` as seen, ``val_unseen`` as
#: unseen). A model's ``class_subset`` takes the same names (the partition of
#: the images it is trained or scored on) plus ``'val'`` itself; ``'test'`` is
#: both the GZSL test images and their partition.
SUBSET_CLASSES = {
    'train': 'test',        # seen-class training images
    'test': 'test',         # test_seen + test_unseen (the GZSL test set)
    'test_seen': 'test',    # held-out seen-class images
    'test_unseen': 'test',  # every unseen-class image (the ZSL test set)
    'val': 'val',           # the validation partition (a model's class_subset only)
    'val_train': 'val',     # training images of seen - val_unseen
    'val_test': 'val',      # held-out images of seen - val_unseen + those of val_unseen
}
#: the subsets a zero-shot data set can serve (image subsets)
ZSL_SUBSETS = tuple(name for name in SUBSET_CLASSES if name != 'val')
#: the values a zero-shot model's ``class_subset`` takes
CLASS_SUBSETS = tuple(SUBSET_CLASSES)


def check_subset(subset: str, allowed: Sequence[str], owner: str, key: str) -> str:
    """``subset`` if it is one of ``allowed``; else a ValueError naming
    ``owner``, ``key`` and the allowed values."""
    if subset not in allowed:
        raise ValueError(f'{owner}: {key}={subset!r} is not a zero-shot subset; expected '
                         f'one of {", ".join(map(repr, allowed))}')
    return subset


@dataclass(frozen=True)
class ClassSplit:
    """A seen/unseen partition of a data set's classes (see the module doc)."""

    dataset: str
    classes: Tuple[str, ...]
    seen: Tuple[str, ...]
    unseen: Tuple[str, ...]
    val_unseen: Tuple[str, ...] = ()
    seed: Optional[int] = None
    source: str = ''
    path: Optional[str] = field(default=None, compare=False)

    def __post_init__(self):
        where = self.path or f'class split of {self.dataset}'
        for name in ('classes', 'seen', 'unseen', 'val_unseen'):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ('classes', 'seen', 'unseen', 'val_unseen'):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                dup = sorted({v for v in values if values.count(v) > 1})
                raise ValueError(f'{where}: "{name}" lists {dup} more than once')
        known = set(self.classes)
        for name in ('seen', 'unseen'):
            missing = [c for c in getattr(self, name) if c not in known]
            if missing:
                raise ValueError(f'{where}: "{name}" names {missing}, which are not in '
                                 f'"classes"')
        both = set(self.seen) & set(self.unseen)
        if both:
            raise ValueError(f'{where}: {sorted(both)} are both seen and unseen')
        left = known - set(self.seen) - set(self.unseen)
        if left:
            raise ValueError(f'{where}: {sorted(left)} are neither seen nor unseen')
        if not self.seen or not self.unseen:
            raise ValueError(f'{where}: needs at least one seen and one unseen class')
        outside = [c for c in self.val_unseen if c not in set(self.seen)]
        if outside:
            raise ValueError(f'{where}: "val_unseen" must be seen classes; {outside} are not')

    # -- files ---------------------------------------------------------------
    @classmethod
    def from_file(cls, path: Union[str, os.PathLike]) -> 'ClassSplit':
        """Read a split file. A relative ``path`` is resolved by
        :func:`rszoo.fileio.resolve_path` (the working directory first, then the
        repository root), so every component that reads a split (data sets,
        models, metrics, tools) finds the same file from any working directory;
        ``split.path`` is the absolute path read."""
        given = os.fspath(path)
        path = resolve_path(given)
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'class split file {given} does not exist (looked in the working directory '
                f'{os.getcwd()} and the repository root {REPO_ROOT})')
        with open(path, encoding='utf-8') as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as error:
                raise ValueError(f'class split file {path} is not valid JSON: {error}') from None
        required = ('dataset', 'classes', 'seen', 'unseen')
        missing = [k for k in required if k not in data]
        if missing:
            raise KeyError(f'class split file {path}: missing keys {missing}; expected '
                           f'{list(required)} (+ val_unseen, seed, source)')
        unknown = set(data) - {'dataset', 'classes', 'seen', 'unseen', 'val_unseen', 'seed',
                               'source'}
        if unknown:
            raise KeyError(f'class split file {path}: unknown keys {sorted(unknown)}')
        return cls(path=path, **data)

    def to_file(self, path: str) -> None:
        data = dict(dataset=self.dataset, classes=list(self.classes), seen=list(self.seen),
                    unseen=list(self.unseen), val_unseen=list(self.val_unseen),
                    seed=self.seed, source=self.source)
        atomic_write_bytes((json.dumps(data, indent=1) + '\n').encode('utf-8'), path)

    # -- indices -------------------------------------------------------------
    def check_classes(self, classes: Sequence[str], where: str = 'the data set') -> None:
        """Raise if ``classes`` (a data set's label order) differs from the split's."""
        if tuple(classes) != self.classes:
            missing = [c for c in self.classes if c not in classes]
            extra = [c for c in classes if c not in self.classes]
            raise ValueError(f'{self.path or "class split"}: the classes of {where} differ '
                             f'from the split\'s (missing: {missing}, extra: {extra}'
                             + ('' if missing or extra else ', or another order') + ')')

    def indices(self, names: Sequence[str]) -> List[int]:
        """Label indices (in ``classes`` order) of ``names``."""
        lookup = {c: i for i, c in enumerate(self.classes)}
        return [lookup[n] for n in names]

    @property
    def seen_indices(self) -> List[int]:
        return self.indices(self.seen)

    @property
    def unseen_indices(self) -> List[int]:
        return self.indices(self.unseen)

    def subset_indices(self, subset: str, owner: str = 'ClassSplit',
                       key: str = 'subset') -> Tuple[List[int], List[int]]:
        """Global ``(seen, unseen)`` class indices of a subset name of
        :data:`SUBSET_CLASSES` (a data set's ``subset`` or a model's
        ``class_subset``): the split's seen / unseen classes for ``'train'``,
        ``'test'``, ``'test_seen'``, ``'test_unseen'``; its validation classes
        (seen minus ``val_unseen`` as seen, ``val_unseen`` as unseen; the unseen
        test classes take no part) for ``'val'``, ``'val_train'``, ``'val_test'``.

        Raises:
            ValueError: ``subset`` is not a known name (``owner`` and ``key``
                name the caller's argument), or the split has no
                ``val_unseen`` for a validation subset.
        """
        check_subset(subset, CLASS_SUBSETS, owner, key)
        if SUBSET_CLASSES[subset] == 'test':
            return self.seen_indices, self.unseen_indices
        val = self.validation_split()
        return self.indices(val.seen), self.indices(val.unseen)

    def validation_split(self) -> 'ClassSplit':
        """The tuning split: ``seen - val_unseen`` as seen, ``val_unseen`` as
        unseen, over the seen classes only (the unseen test classes are gone)."""
        if not self.val_unseen:
            raise ValueError(f'{self.path or "class split"}: no "val_unseen" classes to tune on')
        return ClassSplit(dataset=self.dataset, classes=self.seen,
                          seen=[c for c in self.seen if c not in set(self.val_unseen)],
                          unseen=self.val_unseen, seed=self.seed,
                          source=f'validation split of {self.path or self.dataset}')


def default_num_val_unseen(num_seen: int, num_unseen: int) -> int:
    """The default number of pseudo-unseen validation classes: as many as the
    unseen test classes, but at most half of the seen classes (so that at
    least half of them stay for training while tuning)."""
    return max(1, min(num_unseen, num_seen // 2))


def make_class_split(classes: Sequence[str], num_unseen: int, seed: int = 0,
                     num_val_unseen: Optional[int] = None, dataset: str = '',
                     source: str = '') -> ClassSplit:
    """A seeded random seen/unseen split of ``classes``.

    ``numpy.random.default_rng(seed)`` permutes the class positions; the first
    ``num_unseen`` become unseen. A second permutation of the seen classes (same
    generator) picks ``num_val_unseen`` pseudo-unseen validation classes
    (default: :func:`default_num_val_unseen`). Every list keeps the order of
    ``classes``. Deterministic in ``seed``.
    """
    classes = list(classes)
    num = len(classes)
    if not 0 < num_unseen < num:
        raise ValueError(f'num_unseen must be in [1, {num - 1}] for {num} classes, '
                         f'got {num_unseen}')
    num_seen = num - num_unseen
    if num_val_unseen is None:
        num_val_unseen = default_num_val_unseen(num_seen, num_unseen)
    if not 0 <= num_val_unseen < num_seen:
        raise ValueError(f'num_val_unseen must be in [0, {num_seen - 1}] (fewer than the '
                         f'{num_seen} seen classes), got {num_val_unseen}')
    rng = np.random.default_rng(seed)
    unseen_pos = set(rng.permutation(num)[:num_unseen].tolist())
    seen = [c for i, c in enumerate(classes) if i not in unseen_pos]
    unseen = [c for i, c in enumerate(classes) if i in unseen_pos]
    val_pos = set(rng.permutation(num_seen)[:num_val_unseen].tolist())
    val_unseen = [c for i, c in enumerate(seen) if i in val_pos]
    return ClassSplit(dataset=dataset, classes=classes, seen=seen, unseen=unseen,
                      val_unseen=val_unseen, seed=seed, source=source)


def split_seen_images(labels: Sequence[int], seen_indices: Sequence[int],
                      test_ratio: float = 0.2, seed: int = 0) -> Dict[str, np.ndarray]:
    """Divide sample positions into ``train`` (seen classes), ``test_seen``
    (held-out seen-class images, ``round(test_ratio * n_c)`` per class, at least
    one when a class has two or more images) and ``test_unseen`` (every image of
    the other classes). Deterministic in ``seed``; positions are sorted.
    """
    if not 0. <= test_ratio < 1.:
        raise ValueError(f'test_ratio must be in [0, 1), got {test_ratio}')
    labels = np.asarray(labels)
    seen = set(int(i) for i in seen_indices)
    rng = np.random.default_rng(seed)
    train, test_seen = [], []
    for label in sorted(seen):
        where = np.flatnonzero(labels == label)
        where = where[rng.permutation(len(where))]
        n_test = int(round(test_ratio * len(where)))
        if test_ratio > 0 and len(where) >= 2:
            n_test = max(1, n_test)
        test_seen.append(where[:n_test])
        train.append(where[n_test:])
    test_unseen = np.flatnonzero(~np.isin(labels, sorted(seen)))
    cat = lambda parts: np.sort(np.concatenate(parts)) if parts else np.zeros(0, int)  # noqa
    return dict(train=cat(train), test_seen=cat(test_seen), test_unseen=test_unseen)


def subset_positions(split: ClassSplit, labels: Sequence[int], subset: str,
                     seen_test_ratio: float = 0.2, seed: int = 0,
                     owner: str = 'subset_positions'):
    """Sample positions of ``subset`` and the (seen, unseen) global class
    indices that go with it.

    - ``train``: seen-class training images; ``test_seen`` / ``test_unseen``:
      held-out seen-class images / every unseen-class image; ``test``: both
      (the GZSL test set). Seen = ``split.seen``, unseen = ``split.unseen``.
    - ``val_train`` / ``val_test``: the same protocol inside the training
      images only, with ``seen - val_unseen`` as seen and ``val_unseen`` as
      unseen (``split_seen_images`` again, seed + 1): for tuning; no
      unseen-class image ever appears in them.

    Returns:
        (positions (np.ndarray, sorted), seen_indices (list), unseen_indices (list))
    """
    check_subset(subset, ZSL_SUBSETS, owner, 'subset')
    seen, unseen = split.subset_indices(subset, owner)
    labels = np.asarray(labels)
    parts = split_seen_images(labels, split.seen_indices, seen_test_ratio, seed)
    if SUBSET_CLASSES[subset] == 'test':
        if subset == 'test':
            positions = np.sort(np.concatenate([parts['test_seen'], parts['test_unseen']]))
        else:
            positions = parts[subset]
        return positions, seen, unseen
    train = parts['train']
    inner = split_seen_images(labels[train], seen, seen_test_ratio, seed + 1)
    if subset == 'val_train':
        positions = train[inner['train']]
    else:
        positions = np.sort(train[np.concatenate([inner['test_seen'], inner['test_unseen']])])
    return positions, seen, unseen
