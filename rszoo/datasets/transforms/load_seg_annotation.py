"""Load a semantic-segmentation label map (``gt_seg_map``).

Reads the label file of a sample: a raster (TIFF / PNG / ..., band 1, through
rasterio) or a MATLAB ``.mat`` file (the FYH layout: the label array under
``mat_key``). Tiles are cut afterwards by
:class:`~rszoo.datasets.transforms.CropTile`. Raw values are mapped to class ids
with ``label_map`` (38-Cloud: ``{255: 1}``, cloud -> class 1).
"""
import os
import warnings
from typing import Dict, Optional

import numpy as np
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS


def read_label_raster(path: str) -> np.ndarray:
    """Band 1 of a raster label file, ``(H, W)`` in the file's dtype.

    Raises:
        FileNotFoundError: the file does not exist.
        OSError: rasterio cannot read it (the message names the file).
    """
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
    if not os.path.isfile(path):
        raise FileNotFoundError(f'Label file not found: {path}')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', NotGeoreferencedWarning)
            with rasterio.open(path) as src:
                return src.read(1)
    except RasterioIOError as err:
        raise OSError(f'Cannot read label raster {path}: {err}') from err


def load_mat_array(path: str, key: str) -> np.ndarray:
    """``scipy.io.loadmat(path)[key]``, with errors naming the file and key."""
    import scipy.io
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f'MAT file not found: {path}')
    try:
        mat = scipy.io.loadmat(path)
    except (ValueError, OSError, TypeError) as err:
        raise OSError(f'Cannot read MAT file {path}: {err}') from err
    if key not in mat:
        keys = sorted(k for k in mat if not k.startswith('__'))
        raise KeyError(f'MAT file {path} has no key {key!r} (keys: {keys})')
    return np.asarray(mat[key])


@TRANSFORMS.register_module()
class LoadSegAnnotation(BaseTransform):
    """Load ``results['seg_map_path']`` into ``results['gt_seg_map']`` (``H x W``).

    Required keys: ``seg_map_path``.
    Added keys: ``gt_seg_map`` (``uint8`` when every id fits, else ``int64``),
    ``seg_fields`` (``['gt_seg_map']``, for transforms that move masks).

    Args:
        label_map (dict, optional): raw value -> class id (other values kept).
        mat_key (str): array key of ``.mat`` label files. Defaults to ``'data'``.
    """

    def __init__(self, label_map: Optional[Dict[int, int]] = None, mat_key: str = 'data'):
        self.label_map = dict(label_map or {})
        self.mat_key = mat_key

    def transform(self, results: dict) -> dict:
        path = os.fspath(results['seg_map_path'])
        if path.lower().endswith('.mat'):
            seg = load_mat_array(path, self.mat_key)
        else:
            seg = read_label_raster(path)
        if seg.ndim == 3 and seg.shape[-1] == 1:
            seg = seg[..., 0]
        if seg.ndim != 2:
            raise ValueError(f'LoadSegAnnotation: label map {path} has shape {seg.shape}; '
                             'expected H x W')
        if self.label_map:
            mapped = seg.astype(np.int64, copy=True)
            for raw, cls in self.label_map.items():
                mapped[seg == raw] = cls
            seg = mapped
        if seg.size and seg.min() >= 0 and seg.max() <= 255:
            seg = seg.astype(np.uint8)
        else:
            seg = seg.astype(np.int64)
        img_shape = results.get('img_shape')
        if img_shape is not None and tuple(img_shape[:2]) != seg.shape:
            raise ValueError(f'LoadSegAnnotation: label map {path} is {seg.shape}, the image '
                             f'{results.get("img_path")} is '
                             f'{tuple(img_shape[:2])}')
        results['gt_seg_map'] = seg
        results.setdefault('seg_fields', [])
        if 'gt_seg_map' not in results['seg_fields']:
            results['seg_fields'].append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(label_map={self.label_map}, '
                f'mat_key={self.mat_key!r})')
