"""Global RX (Reed-Xiaoli) anomaly score: the Mahalanobis distance of every
pixel's spectrum to the scene's mean spectrum under the scene's covariance.

I. S. Reed and X. Yu, "Adaptive multiple-band CFAR detection of an optical
pattern with unknown spectral distribution", IEEE TASSP 38(10), 1990.

For a cube ``X`` of shape (H, W, B) with pixels ``x_p`` (B,):
``mu = mean_p x_p``, ``Sigma = 1/(HW-1) sum_p (x_p - mu)(x_p - mu)^T`` (unbiased,
as ``np.cov``), ``d(p) = (x_p - mu)^T Sigma^-1 (x_p - mu)``. The score is invariant
to any affine rescaling of the cube, so min-max normalisation changes nothing but
the conditioning. Computed in float64.
"""
import warnings

import numpy as np


def global_rx(cube: np.ndarray, normalize: bool = True) -> np.ndarray:
    """Global RX distance map.

    Args:
        cube: (H, W, B) array, any real dtype.
        normalize: min-max scale the whole cube to [0, 1] first (as STAD's
            ``stf`` does, utils.py:18); it only improves the conditioning.

    Returns:
        (H, W) float64 map of squared Mahalanobis distances.

    Raises:
        ValueError: if ``cube`` is not 3-D or has fewer than 2 pixels.
    """
    cube = np.asarray(cube)
    if cube.ndim != 3:
        raise ValueError(f'global_rx: expected a (H, W, B) cube, got shape {cube.shape}')
    h, w, b = cube.shape
    if h * w < 2:
        raise ValueError(f'global_rx: need at least 2 pixels, got shape {cube.shape}')
    x = cube.reshape(h * w, b).astype(np.float64)
    if normalize:
        lo, hi = x.min(), x.max()
        x = (x - lo) / (hi - lo) if hi > lo else x - lo
    z = x - x.mean(axis=0)
    sigma = np.atleast_2d(np.cov(x, rowvar=False))
    try:
        sigma_inv = np.linalg.inv(sigma)
    except np.linalg.LinAlgError:
        warnings.warn(f'global_rx: the {b}x{b} covariance is singular; using its '
                      'pseudo-inverse')
        sigma_inv = np.linalg.pinv(sigma)
    d = np.einsum('ij,ij->i', z @ sigma_inv, z)
    return d.reshape(h, w)
