"""Band-wise normalisation fitted on training pixels only.

The public MIViT code (``utils.py:152-160``) min-max scales every band over the
whole image, test pixels included; rszoo fits the statistics on the training
pixels and applies them unchanged to validation / test pixels (which may then
fall slightly outside [0, 1]).
"""
from typing import Dict, Optional

import numpy as np

METHODS = ('minmax', 'zscore', 'none')


class BandNormalizer:
    """Per-band ``minmax`` ((x - min) / (max - min)) or ``zscore`` ((x - mean) / std).

    Args:
        method: ``'minmax'``, ``'zscore'`` or ``'none'``.
        eps: floor of the denominator (a constant band maps to 0).
    """

    def __init__(self, method: str = 'minmax', eps: float = 1e-12):
        if method not in METHODS:
            raise ValueError(f'BandNormalizer: method must be one of {METHODS}, got {method!r}')
        self.method = method
        self.eps = eps
        self.shift: Optional[np.ndarray] = None
        self.scale: Optional[np.ndarray] = None

    def fit(self, pixels: np.ndarray) -> 'BandNormalizer':
        """Fit on ``pixels`` of shape ``(N, C)`` (the training pixels only)."""
        pixels = np.asarray(pixels, dtype=np.float64)
        if pixels.ndim != 2 or pixels.shape[0] == 0:
            raise ValueError(f'BandNormalizer.fit: expected (N>0, C) training pixels, got '
                             f'shape {pixels.shape}')
        if self.method == 'minmax':
            self.shift = pixels.min(0)
            self.scale = np.maximum(pixels.max(0) - self.shift, self.eps)
        elif self.method == 'zscore':
            self.shift = pixels.mean(0)
            self.scale = np.maximum(pixels.std(0), self.eps)
        else:
            self.shift = np.zeros(pixels.shape[1])
            self.scale = np.ones(pixels.shape[1])
        return self

    def fit_cube(self, cube: np.ndarray, mask: np.ndarray) -> 'BandNormalizer':
        """Fit on the pixels of a ``(C, H, W)`` cube where ``mask`` (H, W) is True."""
        if cube.shape[1:] != mask.shape:
            raise ValueError(f'BandNormalizer.fit_cube: cube {cube.shape} and mask {mask.shape} '
                             'differ in H, W')
        return self.fit(cube[:, mask].T)

    def _check(self, channels: int) -> None:
        if self.shift is None:
            raise RuntimeError('BandNormalizer: call fit() on the training pixels first')
        if channels != self.shift.shape[0]:
            raise ValueError(f'BandNormalizer: fitted on {self.shift.shape[0]} bands, got '
                             f'{channels}')

    def transform(self, array: np.ndarray, channel_axis: int = -1) -> np.ndarray:
        """Normalise ``array`` whose bands lie on ``channel_axis`` (float32 out)."""
        array = np.asarray(array, dtype=np.float32)
        self._check(array.shape[channel_axis])
        shape = [1] * array.ndim
        shape[channel_axis] = -1
        shift = self.shift.astype(np.float32).reshape(shape)
        scale = self.scale.astype(np.float32).reshape(shape)
        return (array - shift) / scale

    def state_dict(self) -> Dict[str, list]:
        return {'method': self.method, 'shift': self.shift.tolist(),
                'scale': self.scale.tolist()}
