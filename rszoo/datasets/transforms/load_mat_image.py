"""Load an image stored as a MATLAB ``.mat`` array (the FYH tile layout).

DIAnet's FYH tiles (the authors' code ``icey-zhang/DIAnet``, ``split.py``) are ``.mat`` files holding the
``H x W x 14`` float image under the key ``data`` (FY-4A AGRI channels 1-14,
each group min-max scaled to [0, 1] per scene). The authors' loader reverses
the channel order (an RGB->BGR flip applied to 14 channels,
``lib/datasets/base_dataset.py``); ``reverse_channels=True`` does the same, which
matters only for loading their weights.
"""
import os
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS
from .load_seg_annotation import load_mat_array


@TRANSFORMS.register_module()
class LoadMatImage(BaseTransform):
    """Load ``results['img_path']`` (a ``.mat`` file) into ``results['img']``.

    Added keys: ``img`` (``H x W x C`` float32), ``img_shape``, ``ori_shape``.

    Args:
        key (str): the image array's key. Defaults to ``'data'``.
        expected_bands (int, optional): required ``C``. Defaults to 14.
        reverse_channels (bool): reverse the channel order (the authors').
            Defaults to False.
    """

    def __init__(self, key: str = 'data', expected_bands: Optional[int] = 14,
                 reverse_channels: bool = False):
        self.key = key
        self.expected_bands = expected_bands
        self.reverse_channels = reverse_channels

    def transform(self, results: dict) -> dict:
        path = os.fspath(results['img_path'])
        img = load_mat_array(path, self.key)
        if img.ndim == 2:
            img = img[..., None]
        if img.ndim != 3:
            raise ValueError(f'LoadMatImage: {path}[{self.key!r}] has shape {img.shape}; '
                             'expected H x W x C')
        if self.expected_bands is not None and img.shape[2] != self.expected_bands:
            raise ValueError(f'LoadMatImage: {path}[{self.key!r}] has {img.shape[2]} bands '
                             f'(shape {img.shape}), expected {self.expected_bands}')
        if self.reverse_channels:
            img = img[..., ::-1]
        img = np.ascontiguousarray(img, dtype=np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(key={self.key!r}, '
                f'expected_bands={self.expected_bands}, '
                f'reverse_channels={self.reverse_channels})')
