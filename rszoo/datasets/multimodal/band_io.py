"""Reading the band stacks the multimodal land-cover sets ship: MATLAB ``.mat``
(v5 through :func:`scipy.io.loadmat`, v7.3 through ``h5py``) and GeoTIFF (through
rszoo's rasterio reader, :func:`rszoo.datasets.transforms.raster_io.read_raster`).

Every reader returns the stack as ``(C, H, W)``; a 2-D array is one band. The
layout of a ``.mat`` variable is stated, never guessed: ``'HWC'`` (MATLAB's
``rows x cols x bands``, what the distributors of Houston2013 / Trento / MUUFL
ship) or ``'CHW'``. ``h5py`` sees a v7.3 file transposed (MATLAB is column-major),
so its arrays are transposed back before the layout is applied.
"""
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np

from rszoo.fileio import resolve_path

LAYOUTS = ('HWC', 'CHW')
MAT_EXTENSIONS = ('.mat',)
RASTER_EXTENSIONS = ('.tif', '.tiff', '.img', '.hdr', '.vrt')


class BandFileError(ValueError):
    """A band file holds no usable stack (missing key, wrong rank)."""


def _mat_variables(path: str) -> dict:
    """The variables of a ``.mat`` file (v5 or v7.3), names -> arrays."""
    import scipy.io as sio
    try:
        data = sio.loadmat(path)
        return {k: v for k, v in data.items() if not k.startswith('__')}
    except (NotImplementedError, ValueError) as err:  # MATLAB v7.3 = HDF5
        try:
            import h5py
        except ImportError:  # pragma: no cover - h5py is a dependency
            raise ImportError(f'{path} is not a MATLAB v5 file; a v7.3 (HDF5) file needs h5py '
                              '(pip install h5py)') from err
        if not h5py.is_hdf5(path):
            raise BandFileError(f'{path} is neither a MATLAB v5 nor a v7.3 (HDF5) file: '
                                f'{err}') from err
    out = {}
    with h5py.File(path, 'r') as f:
        for key, value in f.items():
            if isinstance(value, h5py.Dataset):
                # h5py sees MATLAB's column-major arrays with the axes reversed
                out[key] = np.asarray(value[()]).transpose()
    return out


def read_mat_array(path: str, key: Optional[str] = None) -> np.ndarray:
    """One variable of a ``.mat`` file; ``key=None`` takes the only variable.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        BandFileError: ``key`` is not in the file (the message lists the keys),
            or ``key`` is None and the file holds several variables.
    """
    path = resolve_path(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'band file not found: {path}')
    variables = _mat_variables(path)
    if key is None:
        if len(variables) != 1:
            raise BandFileError(f'{path} holds {sorted(variables)}; name the variable '
                                'with key=')
        key = next(iter(variables))
    if key not in variables:
        raise BandFileError(f'{path} has no variable "{key}"; it holds {sorted(variables)}')
    return np.asarray(variables[key])


def to_chw(array: np.ndarray, layout: str, source: str = 'array') -> np.ndarray:
    """``array`` (2-D = one band, or 3-D in ``layout``) as ``(C, H, W)``."""
    if layout not in LAYOUTS:
        raise ValueError(f'{source}: layout must be one of {LAYOUTS}, got {layout!r}')
    if array.ndim == 2:
        return array[None]
    if array.ndim != 3:
        raise BandFileError(f'{source}: expected a 2-D (H, W) or 3-D ({layout}) band stack, '
                            f'got shape {array.shape}')
    return np.ascontiguousarray(array.transpose(2, 0, 1) if layout == 'HWC' else array)


def read_band_stack(path: str,
                    key: Optional[str] = None,
                    layout: str = 'HWC',
                    bands: Optional[Sequence[int]] = None,
                    dtype=np.float32) -> np.ndarray:
    """Read a band stack file into a ``(C, H, W)`` array of ``dtype``.

    Args:
        path: a ``.mat`` file (variable ``key``, axes ``layout``) or a raster
            GDAL reads (GeoTIFF; ``key``/``layout`` unused).
        key: the ``.mat`` variable; None takes the only one.
        layout: the ``.mat`` variable's axes, ``'HWC'`` or ``'CHW'``.
        bands: 0-based band indexes to keep (None keeps all).
        dtype: output dtype (labels: pass ``None`` to keep the file's).
    """
    path = resolve_path(os.fspath(path))
    ext = osp.splitext(path)[1].lower()
    if ext in MAT_EXTENSIONS:
        stack = to_chw(read_mat_array(path, key), layout, f'{path}:{key}')
    else:
        if not osp.isfile(path):
            raise FileNotFoundError(f'band file not found: {path}')
        from rszoo.datasets.transforms.raster_io import read_raster
        stack = to_chw(read_raster(path).array, 'HWC', path)
    if bands is not None:
        bands = list(bands)
        bad = [b for b in bands if not 0 <= b < stack.shape[0]]
        if bad:
            raise BandFileError(f'{path}: band indexes {bad} outside 0..{stack.shape[0] - 1}')
        stack = stack[bands]
    return stack if dtype is None else stack.astype(dtype, copy=False)


def read_label_map(path: str, key: Optional[str] = None) -> np.ndarray:
    """A ``(H, W)`` integer label raster (0 = unlabelled, 1..K = classes)."""
    stack = read_band_stack(path, key=key, layout='HWC', dtype=None)
    if stack.shape[0] != 1:
        raise BandFileError(f'{path}:{key}: a label map must be 2-D, got {stack.shape[0]} bands')
    labels = stack[0]
    if np.issubdtype(labels.dtype, np.floating):
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise BandFileError(f'{path}:{key}: label map holds non-integer values')
    return labels.astype(np.int64)
