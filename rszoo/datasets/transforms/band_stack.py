"""Transforms for band stacks with any number of bands (HSI, LiDAR rasters, SAR).

Nothing here assumes 3-channel RGB: a stack is ``(C, H, W)`` (``layout='CHW'``,
what the multimodal land-cover sets serve) or ``(H, W, C)`` (``'HWC'``, mmcv's
image convention). A sample may hold several stacks (one per modality, named by
``keys``); a geometric transform draws once and applies the same op to all of
them, so co-registered modalities stay aligned.
"""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS

LAYOUTS = ('CHW', 'HWC')


def _spatial_axes(layout: str):
    if layout not in LAYOUTS:
        raise ValueError(f'layout must be one of {LAYOUTS}, got {layout!r}')
    return (1, 2) if layout == 'CHW' else (0, 1)


def _check(results: dict, key: str, transform: str) -> np.ndarray:
    if key not in results:
        raise KeyError(f'{transform}: the sample has no "{key}" (keys: {sorted(results)})')
    array = results[key]
    if not isinstance(array, np.ndarray) or array.ndim != 3:
        raise ValueError(f'{transform}: "{key}" must be a 3-D band stack, got '
                         f'{type(array).__name__} of shape {getattr(array, "shape", None)}')
    return array


@TRANSFORMS.register_module()
class RandomFlipRotateBandStack(BaseTransform):
    """Random horizontal / vertical flip and rotation by k*90 degrees, the same
    draw for every stack in ``keys`` (the dihedral group D4 of an overhead patch).

    Args:
        keys (sequence of str): the stacks to transform, e.g. ``('hsi', 'lidar')``.
        layout (str): ``'CHW'`` or ``'HWC'``.
        flip_prob (float): probability of each of the two flips.
        rot_prob (float): probability of a rotation by k in {1, 2, 3}.

    Added keys: ``flip_hv`` ((bool, bool)), ``rot90_k`` (int).
    """

    def __init__(self, keys: Sequence[str] = ('hsi', 'lidar'), layout: str = 'CHW',
                 flip_prob: float = 0.5, rot_prob: float = 0.5):
        self.axes = _spatial_axes(layout)
        for name, prob in (('flip_prob', flip_prob), ('rot_prob', rot_prob)):
            if not 0.0 <= prob <= 1.0:
                raise ValueError(f'RandomFlipRotateBandStack: {name} must be in [0, 1], got {prob}')
        self.keys = tuple(keys)
        self.layout = layout
        self.flip_prob = flip_prob
        self.rot_prob = rot_prob

    def transform(self, results: dict) -> dict:
        flip_h = bool(np.random.rand() < self.flip_prob)
        flip_v = bool(np.random.rand() < self.flip_prob)
        k = int(np.random.randint(1, 4)) if np.random.rand() < self.rot_prob else 0
        row_axis, col_axis = self.axes
        for key in self.keys:
            if key not in results:  # a modality missing from this sample
                continue
            array = _check(results, key, type(self).__name__)
            if flip_h:
                array = np.flip(array, axis=col_axis)
            if flip_v:
                array = np.flip(array, axis=row_axis)
            if k:
                array = np.rot90(array, k, axes=self.axes)
            results[key] = np.ascontiguousarray(array)
        results['flip_hv'] = (flip_h, flip_v)
        results['rot90_k'] = k
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(keys={self.keys}, layout={self.layout!r}, '
                f'flip_prob={self.flip_prob}, rot_prob={self.rot_prob})')


@TRANSFORMS.register_module()
class TransposeBandStack(BaseTransform):
    """Convert the stacks in ``keys`` between ``(C, H, W)`` and ``(H, W, C)``.

    Args:
        keys (sequence of str): the stacks to convert.
        src (str): their current layout, ``'CHW'`` or ``'HWC'``.
        dst (str): the wanted layout.
    """

    def __init__(self, keys: Sequence[str] = ('hsi', 'lidar'), src: str = 'HWC',
                 dst: str = 'CHW'):
        _spatial_axes(src), _spatial_axes(dst)
        self.keys, self.src, self.dst = tuple(keys), src, dst

    def transform(self, results: dict) -> dict:
        if self.src == self.dst:
            return results
        order = (2, 0, 1) if self.dst == 'CHW' else (1, 2, 0)
        for key in self.keys:
            if key in results:
                array = _check(results, key, type(self).__name__)
                results[key] = np.ascontiguousarray(array.transpose(order))
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(keys={self.keys}, src={self.src!r}, dst={self.dst!r})'
