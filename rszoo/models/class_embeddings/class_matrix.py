"""One class-by-dimension matrix from whatever a zero-shot config gives: the
shared entry of the zero-shot models (MCFA's class vectors, DSVA's class
attributes) and tools."""
import os.path as osp
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch

from .attribute_matrix import AttributeMatrixEmbedding


def class_matrix(source: Union[str, dict, np.ndarray, torch.Tensor],
                 class_names: Sequence[str], owner: str = 'class_matrix',
                 what: str = 'class embeddings', hint: str = 'make it with '
                 'tools/zeroshot/make_class_embeddings.py'
                 ) -> Tuple[np.ndarray, Optional[object]]:
    """``(matrix (C, D) float32 in the order of class_names, provider or None)``.

    ``source``: an array whose rows are ``class_names`` in order; a file path
    (``.npy`` / ``.mat`` / ``.csv``, read by :class:`AttributeMatrixEmbedding`:
    rows matched by the stored class names when the file has them, else taken
    in order); or a class-embedding provider config (``CLASS_EMBEDDINGS``).
    Errors name ``owner`` and the expected shape; NaN / inf entries are refused.
    """
    provider = None
    if isinstance(source, np.ndarray) or torch.is_tensor(source):
        matrix = np.asarray(source)
    else:
        if isinstance(source, str):
            if not osp.isfile(source):
                raise FileNotFoundError(f'{owner}: {what} file {source} does not exist; {hint}')
            provider = AttributeMatrixEmbedding(path=source)
        else:
            from rszoo.registry import CLASS_EMBEDDINGS
            provider = CLASS_EMBEDDINGS.build(dict(source))
        matrix = provider(list(class_names))
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != len(class_names):
        raise ValueError(f'{owner}: {what} of shape {matrix.shape}; expected '
                         f'({len(class_names)}, D), one row per class')
    if not np.isfinite(matrix).all():
        raise ValueError(f'{owner}: the {what} have NaN or infinite entries')
    return matrix, provider
