"""``AttributeMatrixEmbedding``: a user-supplied class-by-attribute matrix.

Attribute-based zero-shot learning (Lampert et al., "Attribute-Based
Classification for Zero-Shot Visual Object Categorization", TPAMI 2014) describes
each class by a vector of attribute strengths: hand-labelled (UCM, AID and NWPU
attribute sets of the RS ZSL literature) or generated (DSVA's CLIP-scored
RSMM-Attributes, ``ann_attr_finetune_<split>.mat``). This provider reads such a
matrix from a file:

- ``.npy``: a 2-D array ``(C', D)``. Class names of its rows from
  ``class_names_file`` (one a line), else from a sidecar ``<same name>.txt`` next
  to it when present; without names the rows must be the requested classes, in
  order (same count).
- ``.mat`` (``scipy.io.loadmat``): the array under ``key`` (optional when the
  file holds one 2-D numeric array); row names under ``class_names_key`` (a cell
  array or char matrix of names) when given. xlsa17-style files store
  attributes as ``(D, C')``: set ``transpose=True``.
- ``.csv``: header row = a label for the name column, then the attribute names;
  each further row = class name, then its values.

When the file names its rows, rows are matched to the requested classes by name
(exact, then case- and separator-insensitive, through ``aliases`` = requested
name -> stored name); a requested class that is not there is an error naming it.
Output ``(C, D)`` float32, rows in the requested order, optionally
L2-normalised.
"""
import csv
import os.path as osp
import re
from typing import List, Optional, Tuple

import numpy as np

from rszoo.registry import CLASS_EMBEDDINGS
from .base import BaseClassEmbedding, MissingEmbeddingError, l2_normalize


def _norm(name: str) -> str:
    return re.sub(r'[^a-z0-9]', '', name.lower())


def _mat_strings(value) -> List[str]:
    """Names from a loadmat cell array / char matrix / string array."""
    if isinstance(value, str):
        return [value.strip()]
    value = np.asarray(value)
    if value.dtype.kind in 'US':
        if value.ndim <= 1:
            return [str(v).strip() for v in value.reshape(-1)]
        return [''.join(row).strip() for row in value.reshape(value.shape[0], -1)]
    if value.dtype == object:
        names = []
        for item in value.reshape(-1, order='F') if value.ndim > 1 else value.reshape(-1):
            got = _mat_strings(item)
            if len(got) != 1:
                raise ValueError(f'expected one name per cell, got {got}')
            names.extend(got)
        return names
    raise ValueError(f'cannot read class names from an array of dtype {value.dtype}')


@CLASS_EMBEDDINGS.register_module()
class AttributeMatrixEmbedding(BaseClassEmbedding):
    """Rows of an attribute matrix file (module doc).

    Args:
        path (str): ``.npy``, ``.mat`` or ``.csv`` file.
        key (str, optional): variable of a ``.mat`` file holding the matrix.
        class_names_key (str, optional): variable of a ``.mat`` file holding
            the row names.
        class_names_file (str, optional): row names, one a line (for ``.npy``
            and ``.mat``); default for ``.npy``: ``<path minus .npy>.txt`` if
            it exists.
        transpose (bool): the file stores ``(D, C')``. Defaults to False.
        normalize (bool): L2-normalise the rows. Defaults to False.
        aliases (dict, optional): requested class name -> stored row name.
        cache_dir: see :class:`~.base.BaseClassEmbedding`.

    Attributes:
        attribute_names (list[str] | None): column names (``.csv``) after
            :meth:`load`.

    Raises:
        FileNotFoundError, ValueError (unknown format, not 2-D, names and rows
        disagree, count mismatch without names), KeyError (a class or a
        ``.mat`` key is missing).
    """

    def __init__(self, path: str, key: Optional[str] = None,
                 class_names_key: Optional[str] = None,
                 class_names_file: Optional[str] = None, transpose: bool = False,
                 normalize: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.key = key
        self.class_names_key = class_names_key
        self.class_names_file = class_names_file
        self.transpose = transpose
        self.normalize = normalize
        self.attribute_names: Optional[List[str]] = None

    def cache_params(self) -> dict:
        stat = osp.getmtime(self.path) if osp.isfile(self.path) else None
        return dict(super().cache_params(), path=osp.abspath(self.path), mtime=stat,
                    key=self.key, class_names_key=self.class_names_key,
                    class_names_file=self.class_names_file, transpose=self.transpose,
                    normalize=self.normalize)

    # -- reading ---------------------------------------------------------------
    def _read_names_file(self, path: str) -> List[str]:
        if not osp.isfile(path):
            raise FileNotFoundError(f'AttributeMatrixEmbedding: class names file {path} '
                                    'does not exist')
        with open(path, encoding='utf-8') as f:
            return [line.strip() for line in f if line.strip()]

    def _load_mat(self) -> Tuple[np.ndarray, Optional[List[str]]]:
        from scipy.io import loadmat
        data = loadmat(self.path)
        variables = {k: v for k, v in data.items() if not k.startswith('__')}
        if self.key is None:
            numeric = [k for k, v in variables.items()
                       if isinstance(v, np.ndarray) and v.ndim == 2 and v.dtype.kind in 'fiub']
            if len(numeric) != 1:
                raise MissingEmbeddingError(
                    f'AttributeMatrixEmbedding: {self.path} holds variables '
                    f'{sorted(variables)}; give key= (2-D numeric ones: '
                    f'{sorted(numeric)})')
            key = numeric[0]
        else:
            key = self.key
        if key not in variables:
            raise MissingEmbeddingError(
                f'AttributeMatrixEmbedding: {self.path} has no variable {key!r}; '
                f'it holds {sorted(variables)}')
        names = None
        if self.class_names_key is not None:
            if self.class_names_key not in variables:
                raise MissingEmbeddingError(
                    f'AttributeMatrixEmbedding: {self.path} has no variable '
                    f'{self.class_names_key!r} (class_names_key); it holds '
                    f'{sorted(variables)}')
            try:
                names = _mat_strings(variables[self.class_names_key])
            except ValueError as error:
                raise ValueError(f'AttributeMatrixEmbedding: {self.path}, variable '
                                 f'{self.class_names_key!r}: {error}') from None
        return np.asarray(variables[key]), names

    def _load_csv(self) -> Tuple[np.ndarray, List[str]]:
        with open(self.path, newline='', encoding='utf-8') as f:
            rows = [r for r in csv.reader(f) if r and any(c.strip() for c in r)]
        if len(rows) < 2:
            raise ValueError(f'AttributeMatrixEmbedding: {self.path} needs a header row and '
                             'at least one class row')
        header, body = rows[0], rows[1:]
        self.attribute_names = [h.strip() for h in header[1:]]
        names, values = [], []
        for line_no, row in enumerate(body, start=2):
            if len(row) != len(header):
                raise ValueError(f'AttributeMatrixEmbedding: {self.path}, line {line_no}: '
                                 f'{len(row)} fields, the header has {len(header)}')
            try:
                values.append([float(v) for v in row[1:]])
            except ValueError as error:
                raise ValueError(f'AttributeMatrixEmbedding: {self.path}, line {line_no} '
                                 f'(class {row[0]!r}): {error}') from None
            names.append(row[0].strip())
        return np.asarray(values, dtype=np.float64), names

    def load(self) -> Tuple[np.ndarray, Optional[List[str]]]:
        """``(matrix (C', D), row names or None)`` from the file, checked."""
        if not osp.isfile(self.path):
            raise FileNotFoundError(f'AttributeMatrixEmbedding: {self.path} does not exist')
        ext = osp.splitext(self.path)[1].lower()
        if ext == '.npy':
            matrix = np.load(self.path, allow_pickle=False)
            names_file = self.class_names_file or osp.splitext(self.path)[0] + '.txt'
            names = (self._read_names_file(names_file)
                     if self.class_names_file or osp.isfile(names_file) else None)
        elif ext == '.mat':
            matrix, names = self._load_mat()
            if self.class_names_file:
                names = self._read_names_file(self.class_names_file)
        elif ext == '.csv':
            matrix, names = self._load_csv()
        else:
            raise ValueError(f'AttributeMatrixEmbedding: {self.path}: unknown format {ext!r}; '
                             'expected .npy, .mat or .csv')
        if matrix.ndim != 2:
            raise ValueError(f'AttributeMatrixEmbedding: {self.path} holds an array of shape '
                             f'{matrix.shape}; expected a 2-D (classes, attributes) matrix')
        if matrix.dtype.kind not in 'fiub':
            raise ValueError(f'AttributeMatrixEmbedding: {self.path} holds dtype '
                             f'{matrix.dtype}; expected numbers')
        if self.transpose:
            matrix = matrix.T
        if names is not None and len(names) != matrix.shape[0]:
            how = ', transposed' if self.transpose else ''
            raise ValueError(f'AttributeMatrixEmbedding: {self.path} has {matrix.shape[0]} '
                             f'rows (shape {matrix.shape}{how}) but {len(names)} class names')
        return matrix, names

    def embed(self, class_names: List[str]) -> np.ndarray:
        matrix, names = self.load()
        if names is None:
            if matrix.shape[0] != len(class_names):
                raise ValueError(
                    f'AttributeMatrixEmbedding: {self.path} has shape {matrix.shape} and no '
                    f'class names; its rows must be the {len(class_names)} requested classes '
                    'in order (give class_names_file / class_names_key to match by name, or '
                    'transpose=True for a (D, C) file)')
            rows = matrix
        else:
            exact = {n: i for i, n in enumerate(names)}
            loose = {}
            for i, n in enumerate(names):
                loose.setdefault(_norm(n), []).append(i)
            index, missing = [], []
            for name in class_names:
                target = self.aliases.get(name, name)
                target = target if isinstance(target, str) else ' '.join(target)
                if target in exact:
                    index.append(exact[target])
                elif len(loose.get(_norm(target), [])) == 1:
                    index.append(loose[_norm(target)][0])
                else:
                    missing.append(name)
            if missing:
                raise MissingEmbeddingError(
                    f'AttributeMatrixEmbedding: {self.path} has no row for classes '
                    f'{missing}; its rows: {names}. Give aliases={{requested name: '
                    'stored name}} if they are named differently.')
            rows = matrix[index]
        rows = np.asarray(rows, dtype=np.float32)
        return l2_normalize(rows, 'AttributeMatrixEmbedding') if self.normalize else rows
