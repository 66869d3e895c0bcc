"""STAD's small target filter (STF): a spatial prior that keeps small, compact
bright spots of the global RX map and zeroes the background.

Ma, Xie, Li, "Exploring hyperspectral anomaly detection with human vision: a
small target aware detector", arXiv 2401.01093 (Neural Networks 184, 2025);
authors' code ``utils.py:17-38`` (``stf``), github.com/majitao-xd/STAD-HAD.

Given a cube (H, W, B):

1. ``d = global_rx(minmax(cube))`` (:func:`rszoo.models.utils.global_rx`),
2. ``F = bilateral(255 * minmax(d))`` with OpenCV's ``cv2.bilateralFilter``
   (the authors' ``d=3, sigmaColor=80, sigmaSpace=0``: OpenCV 4 turns
   ``sigmaSpace <= 0`` into 1 and keeps the taps within radius 1, a 5-tap cross;
   reflect-101 border). OpenCV 5.1 no longer does: with ``sigmaSpace=0`` its
   filter is the identity. So ``sigma_space <= 0`` is turned into 1 here, before
   the call, which gives OpenCV 4's result on either version.
3. ``W = max(F - median(F), 0)`` with the *lower* median (``torch.median``'s rule,
   as the authors), so at least half the pixels get ``W = 0``.

``W`` keeps the 0..255 scale. STAD multiplies its per-pixel reconstruction
error by ``W`` before back-propagating to the input (the saliency map).
"""

import numpy as np

from rszoo.registry import TASK_UTILS

from .global_rx import global_rx


def lower_median(values: np.ndarray) -> float:
    """``torch.median``'s median: the lower of the two middle values."""
    flat = np.asarray(values).ravel()
    k = (flat.size - 1) // 2
    return float(np.partition(flat, k)[k])


@TASK_UTILS.register_module()
class SmallTargetFilter:
    """The STF weight map of a cube.

    Args:
        diameter (int): ``d`` of ``cv2.bilateralFilter``. Default 3.
        sigma_color (float): on the 0..255 scale. Default 80.
        sigma_space (float): ``<= 0`` means 1 (OpenCV 4's rule, applied here
            because OpenCV 5 makes the filter an identity). Default 0.
        subtract_median (bool): step 3 above. Default True.
    """

    def __init__(self, diameter: int = 3, sigma_color: float = 80., sigma_space: float = 0.,
                 subtract_median: bool = True):
        self.diameter = diameter
        self.sigma_color = sigma_color
        self.sigma_space = sigma_space
        self.subtract_median = subtract_median

    def filter_map(self, score: np.ndarray) -> np.ndarray:
        """Steps 2-3 on a (H, W) score map; returns (H, W) float32 >= 0."""
        import cv2
        score = np.asarray(score, dtype=np.float64)
        if score.ndim != 2:
            raise ValueError(f'SmallTargetFilter: expected a (H, W) map, got {score.shape}')
        lo, hi = score.min(), score.max()
        scaled = ((score - lo) / (hi - lo) if hi > lo else score - lo) * 255
        sigma_space = self.sigma_space if self.sigma_space > 0 else 1.
        filtered = cv2.bilateralFilter(scaled.astype(np.float32), d=self.diameter,
                                       sigmaColor=self.sigma_color, sigmaSpace=sigma_space)
        if self.subtract_median:
            filtered = np.maximum(filtered - lower_median(filtered), 0)
        return filtered.astype(np.float32)

    def __call__(self, cube: np.ndarray, return_rx: bool = False):
        """Weight map ``W`` (H, W) of a (H, W, B) cube (and the RX map)."""
        rx = global_rx(cube, normalize=True)
        weight = self.filter_map(rx)
        return (weight, rx) if return_rx else weight
