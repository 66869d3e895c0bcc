"""Seeded synthetic band stacks of a documented shape, for loader tests and
smoke runs where a real cube could not be obtained (Trento's 63-band HSI,
Houston2013's 144-band CASI cube). They are NOT data: nothing measured on
them says anything about a method's accuracy.
"""
import numpy as np


def synthetic_cube(bands: int, height: int, width: int, seed: int = 0,
                   smooth: int = 4) -> np.ndarray:
    """A ``(bands, height, width)`` float32 cube in [0, 1].

    Each band is seeded white noise box-blurred ``smooth`` pixels wide (so
    neighbouring pixels correlate, as in imagery) and mixed across bands with a
    random positive matrix (so bands correlate, as in a spectrum). The labels
    are never used: the cube carries no class information.
    """
    if min(bands, height, width) < 1:
        raise ValueError(f'synthetic_cube: bands, height, width must be >= 1, got '
                         f'{(bands, height, width)}')
    rng = np.random.default_rng(seed)
    latent = max(1, min(bands, 8))
    base = rng.random((latent, height, width), dtype=np.float32)
    if smooth > 1:
        from scipy.ndimage import uniform_filter
        base = uniform_filter(base, size=(1, smooth, smooth), mode='reflect')
    mix = rng.random((bands, latent), dtype=np.float32)
    mix /= mix.sum(1, keepdims=True)
    cube = np.tensordot(mix, base, axes=1).astype(np.float32)
    lo, hi = cube.min(), cube.max()
    return (cube - lo) / max(hi - lo, 1e-12)
