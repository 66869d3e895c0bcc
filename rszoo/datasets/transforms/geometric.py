"""Geometric augmentations for overhead imagery.

Aerial and satellite scenes have no canonical "up": the dihedral group D4
(rotations by multiples of 90 degrees, and flips) maps a scene onto an equally
likely scene. mmcv's ``RandomFlip`` supplies the flips; :class:`RandomRot90`
supplies the rotations.
"""
import numpy as np
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomRot90(BaseTransform):
    """Rotate ``results['img']`` by k*90 degrees, k drawn from {1, 2, 3}.

    Args:
        prob (float): probability of rotating at all. Defaults to 0.5.

    Required keys: ``img`` (H x W x C). Modified keys: ``img``, ``img_shape``.
    Added keys: ``rot90_k`` (0 when not rotated). H and W swap for odd k.
    """

    def __init__(self, prob: float = 0.5):
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'RandomRot90: prob must be in [0, 1], got {prob}')
        self.prob = prob

    def transform(self, results: dict) -> dict:
        k = 0
        if np.random.rand() < self.prob:
            k = int(np.random.randint(1, 4))
            # counter-clockwise in the image plane (axes 0=H, 1=W)
            results['img'] = np.ascontiguousarray(np.rot90(results['img'], k, axes=(0, 1)))
            results['img_shape'] = results['img'].shape[:2]
        results['rot90_k'] = k
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'
