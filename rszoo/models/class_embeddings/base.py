"""``BaseClassEmbedding``: class side information for zero-shot learning.

A provider maps class names to a class-by-dimension matrix ``(C, D)``, float32,
row ``i`` for ``class_names[i]``: the semantic vectors that zero-shot models
(MCFA, DSVA, ESZSL, DeViSE, CLIP-style classifiers) align image features with.
Providers are registered in ``rszoo.registry.CLASS_EMBEDDINGS`` and swappable in
a config::

    class_embedding = dict(type='GloVeEmbedding', normalize=True,
                           cache_dir='work_dirs/class_embeddings')
    matrix = CLASS_EMBEDDINGS.build(class_embedding)(split.classes)   # (C, 50)

Multi-word class names are split explicitly (:meth:`split_class_name`:
``'DenseResidential'`` -> ``['dense', 'residential']``, ``'baseball_field'`` ->
``['baseball', 'field']``); names that no model knows as written (UC Merced's
``'baseballdiamond'``) are given words through ``aliases``. A class with no
embedding is an error that names the class and the missing words, never a
silent zero vector.

Caching: with ``cache_dir``, the matrix is stored as
``<cache_dir>/<provider>-<sha1>.npy``, the SHA-1 of the provider's parameters
(:meth:`cache_params`) and the class names; a later call with the same
parameters and names loads it instead of recomputing. Files are written to a
temporary file in the same folder and renamed (``os.replace``), so a reader
never sees a partial file.
"""
import hashlib
import importlib.metadata
import json
import os.path as osp
import re
from typing import Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from rszoo.fileio import atomic_save_npy

#: Words for UC Merced's run-together class names (its folders have no separators).
UCMERCED_ALIASES = {
    'baseballdiamond': 'baseball diamond',
    'denseresidential': 'dense residential',
    'golfcourse': 'golf course',
    'mediumresidential': 'medium residential',
    'mobilehomepark': 'mobile home park',
    'parkinglot': 'parking lot',
    'sparseresidential': 'sparse residential',
    'storagetanks': 'storage tanks',
    'tenniscourt': 'tennis court',
}

#: Built-in alias sets, usable by name: ``aliases='ucmerced'``.
ALIAS_SETS: Dict[str, Dict[str, str]] = {'ucmerced': UCMERCED_ALIASES}

class MissingEmbeddingError(KeyError):
    """A class (or word, or key) has no embedding. A ``KeyError`` whose message
    prints as written (plain ``KeyError`` shows its message quoted)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ''


_WORD = re.compile(r'[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+')


def split_class_name(name: str) -> List[str]:
    """Split a class name into lower-case words.

    Handles CamelCase (``'DenseResidential'`` -> ``['dense', 'residential']``,
    acronyms kept whole: ``'RGBImage'`` -> ``['rgb', 'image']``), snake_case,
    spaces, hyphens and other punctuation, and digit runs as words of their own
    (``'Sentinel2Tile'`` -> ``['sentinel', '2', 'tile']``). Run-together lower
    case (``'baseballdiamond'``) cannot be split without a vocabulary: give an
    alias.
    """
    if not isinstance(name, str):
        raise TypeError(f'class name must be a str, got {type(name).__name__}: {name!r}')
    return [w.lower() for w in _WORD.findall(name)]


class BaseClassEmbedding:
    """Base class of the class-embedding providers.

    Subclasses implement :meth:`embed` (names -> ``(C, D)`` array) and extend
    :meth:`cache_params` with every argument that changes the result.

    Args:
        aliases (dict | str, optional): class name -> replacement, for names
            with no embedding as written. The value is a text (``'baseball
            diamond'``) or a list of words; each provider says how it uses it
            (words for word vectors, text for sentence/CLIP encoders, row names
            for table look-ups). A str names a built-in set of
            :data:`ALIAS_SETS` (``'ucmerced'``).
        cache_dir (str, optional): folder for cached matrices (module doc).
    """

    def __init__(self,
                 aliases: Union[Mapping[str, Union[str, Sequence[str]]], str, None] = None,
                 cache_dir: Optional[str] = None) -> None:
        if isinstance(aliases, str):
            if aliases not in ALIAS_SETS:
                raise MissingEmbeddingError(
                    f'{type(self).__name__}: unknown alias set {aliases!r}; '
                    f'built-in sets: {sorted(ALIAS_SETS)}')
            aliases = ALIAS_SETS[aliases]
        self.aliases: Dict[str, Union[str, List[str]]] = {}
        for key, value in dict(aliases or {}).items():
            if not isinstance(value, str):
                value = [str(v) for v in value]
                if not value:
                    raise ValueError(f'{type(self).__name__}: alias of {key!r} is empty')
            self.aliases[str(key)] = value
        self.cache_dir = cache_dir
        self.num_computed = 0  # how many times embed() ran (cache misses)

    # -- names -----------------------------------------------------------------
    split_class_name = staticmethod(split_class_name)

    def class_words(self, name: str) -> List[str]:
        """The words of a class: its alias (split) if it has one, else its name."""
        alias = self.aliases.get(name)
        if alias is None:
            return split_class_name(name)
        if isinstance(alias, str):
            return split_class_name(alias)
        return [w.lower() for a in alias for w in split_class_name(a)]

    def class_text(self, name: str) -> str:
        """The class as plain text (its words joined by spaces)."""
        return ' '.join(self.class_words(name))

    # -- computing ---------------------------------------------------------------
    def embed(self, class_names: List[str]) -> np.ndarray:
        """Compute the ``(C, D)`` matrix (no cache). Implemented by subclasses."""
        raise NotImplementedError

    def cache_params(self) -> dict:
        """JSON-serialisable parameters that determine the output (cache key)."""
        return dict(aliases=self.aliases)

    @property
    def provider_name(self) -> str:
        return type(self).__name__

    def cache_path(self, class_names: Sequence[str]) -> Optional[str]:
        """Where the matrix of ``class_names`` is cached (None without cache_dir)."""
        if self.cache_dir is None:
            return None
        key = json.dumps(dict(provider=self.provider_name, params=self.cache_params(),
                              class_names=list(class_names)),
                         sort_keys=True, default=str)
        digest = hashlib.sha1(key.encode('utf-8')).hexdigest()
        return osp.join(self.cache_dir, f'{self.provider_name}-{digest}.npy')

    def __call__(self, class_names: Sequence[str]) -> np.ndarray:
        """The ``(C, D)`` float32 matrix of ``class_names`` (cached if asked)."""
        if isinstance(class_names, str):
            raise TypeError(f'{self.provider_name}: class_names must be a sequence of '
                            f'names, not the str {class_names!r}')
        names = [str(n) for n in class_names]
        if not names:
            raise ValueError(f'{self.provider_name}: no class names given')
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f'{self.provider_name}: class names {dup} are given twice')
        path = self.cache_path(names)
        if path is not None and osp.isfile(path):
            matrix = np.load(path)
            if matrix.ndim == 2 and matrix.shape[0] == len(names):
                return matrix
        matrix = np.asarray(self.embed(names), dtype=np.float32)
        self.num_computed += 1
        if matrix.ndim != 2 or matrix.shape[0] != len(names):
            raise RuntimeError(f'{self.provider_name}: embed() returned shape '
                               f'{matrix.shape}, expected ({len(names)}, D)')
        bad = ~np.isfinite(matrix).all(axis=1)
        if bad.any():
            raise ValueError(f'{self.provider_name}: non-finite embedding for classes '
                             f'{[n for n, b in zip(names, bad) if b]}')
        if path is not None:
            atomic_save_npy(matrix, path)
        return matrix

    def __repr__(self) -> str:
        params = ', '.join(f'{k}={v!r}' for k, v in self.cache_params().items()
                           if k != 'aliases' or v)
        return f'{self.provider_name}({params})'


def l2_normalize(matrix: np.ndarray, where: str = 'class embedding') -> np.ndarray:
    """Rows divided by their L2 norm; a zero row is an error."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError(f'{where}: rows {np.flatnonzero(norms[:, 0] == 0).tolist()} are '
                         'zero vectors and cannot be L2-normalised')
    return matrix / norms


def verify_package_files(owner: str, folder: str, expected: Mapping[str, str],
                         distribution: str, version: str, verified: set) -> None:
    """Check the files a PyPI data package installed in ``folder`` against their
    SHA-256 (``expected``: file name -> hex digest), once per folder and process
    (``verified`` holds the real paths already checked).

    Raises:
        OSError: a file is missing or has another hash; the message names
            ``owner``, the file and the ``pip install`` command that restores it.
    """
    key = osp.realpath(folder)
    if key in verified:
        return
    hint = f'reinstall it: `pip install --force-reinstall {distribution}=={version}`'
    try:
        installed = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        installed = 'unknown'
    for name, sha256 in expected.items():
        path = osp.join(folder, name)
        if not osp.isfile(path):
            raise OSError(f'{owner}: {path} is missing from {distribution} {installed}; {hint}')
        digest = hashlib.sha256()
        with open(path, 'rb') as f:
            for chunk in iter(lambda: f.read(1 << 20), b''):
                digest.update(chunk)
        got = digest.hexdigest()
        if got != sha256:
            raise OSError(f'{owner}: {path} has SHA-256 {got}, not the expected {sha256} of '
                          f'{distribution}=={version} (installed: {installed}); {hint}')
    verified.add(key)
