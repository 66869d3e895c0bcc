"""Write figures and pictures as image files, atomically.

Both go through :func:`rszoo.fileio.atomic_write_bytes` (the folder is
created; a reader never sees a half-written PNG). The format follows the
file's extension (``.png``, ``.jpg``, ``.pdf`` / ``.svg`` for figures).
"""
import io
import os.path as osp

import numpy as np

from rszoo.fileio import PathLike, atomic_write_bytes


def _format_of(path: PathLike) -> str:
    ext = osp.splitext(str(path))[1].lower().lstrip('.')
    if not ext:
        raise ValueError(f'{path}: give the output file an extension (.png, .jpg, ...)')
    return {'jpg': 'jpeg', 'tif': 'tiff'}.get(ext, ext)


def save_figure(fig, path: PathLike, dpi: int = 150) -> str:
    """Save a matplotlib figure (tight bounding box) to ``path``; returns the path.

    rszoo draws on :class:`matplotlib.figure.Figure` objects, not pyplot: no
    GUI backend is needed and nothing has to be closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=_format_of(path), dpi=dpi, bbox_inches='tight')
    atomic_write_bytes(buffer.getvalue(), path)
    return str(path)


def save_rgb(img: np.ndarray, path: PathLike) -> str:
    """Save an ``H x W x 3`` ``uint8`` RGB array (or ``H x W`` grey) to ``path``."""
    from PIL import Image
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] != 3):
        raise ValueError(f'save_rgb needs H x W x 3 (or H x W) uint8, got {img.dtype} '
                         f'{img.shape}; see rszoo.visualization.to_display_rgb')
    buffer = io.BytesIO()
    Image.fromarray(img).save(buffer, format=_format_of(path).upper())
    atomic_write_bytes(buffer.getvalue(), path)
    return str(path)
