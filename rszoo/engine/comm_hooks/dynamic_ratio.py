"""Layer-wise dynamic keep-fractions for RS-DGC.

Xie et al. (RS-DGC, arXiv 2312.17530) let each layer's compression ratio
follow that layer's importance changes during training. Their rule is not
public; rszoo's, per step ``t`` and sparsified layer ``l`` with ``n_l``
entries:

1. importance mass ``m_l(t)``: the mean NSI of the layer, averaged over the
   processes (every process receives every process's ``m_l``);
2. relative change ``c_l(t) = |m_l(t) - m_l(t-1)| / max(m_l(t-1), eps)``,
   smoothed ``w_l(t) = beta * w_l(t-1) + (1 - beta) * c_l(t)``
   (:func:`update_change`);
3. keep-fractions ``rho_l = clip(s * w_l, r_lo * rho, min(1, r_hi * rho))``
   with the scale ``s`` found by bisection so that the element-weighted mean
   ``sum_l n_l rho_l / sum_l n_l`` equals the target ``rho``
   (:func:`allocate_densities`): layers whose importance moves more keep more
   entries, and the step still meets the configured compression.

Everything is plain Python floats, so every process computes the same
fractions from the same shared statistics (the all-gather needs equal sizes).
"""
from typing import List, Optional, Sequence, Tuple

EPS = 1e-12


def update_change(previous_mass: Optional[float], mass: float,
                  previous_change: Optional[float], momentum: float) -> Optional[float]:
    """The smoothed relative change ``w_l(t)`` (``None`` until two masses exist)."""
    if previous_mass is None:
        return previous_change
    change = abs(mass - previous_mass) / max(abs(previous_mass), EPS)
    if previous_change is None:
        return change
    return momentum * previous_change + (1.0 - momentum) * change


def allocate_densities(numels: Sequence[int],
                       weights: Sequence[Optional[float]],
                       density: float,
                       ratio_range: Tuple[float, float] = (0.1, 10.0),
                       iterations: int = 60) -> List[float]:
    """Keep-fractions ``rho_l`` whose element-weighted mean is ``density``.

    Args:
        numels: ``n_l`` per layer.
        weights: ``w_l`` per layer (``None``: no history yet). Without any
            positive weight every layer gets ``density``.
        density: the target keep-fraction ``rho`` in (0, 1].
        ratio_range: ``(r_lo, r_hi)``, the bounds of ``rho_l / rho``.
        iterations: bisection steps on the scale ``s``.

    Returns:
        list of float: ``rho_l`` in ``[r_lo * rho, min(1, r_hi * rho)]``.
    """
    lo = ratio_range[0] * density
    hi = min(1.0, ratio_range[1] * density)
    known = [w for w in weights if w is not None]
    if not numels or not known or max(known) <= 0.0:
        return [density] * len(numels)
    # a layer without history takes the mean weight of the others
    mean_w = sum(known) / len(known)
    w = [mean_w if x is None else max(float(x), 0.0) for x in weights]
    total = float(sum(numels))
    target = density * total

    def kept(scale: float) -> float:
        return sum(n * min(hi, max(lo, scale * x)) for n, x in zip(numels, w))

    low, high = 0.0, hi / min(x for x in w if x > 0.0)
    for _ in range(iterations):
        mid = 0.5 * (low + high)
        if kept(mid) < target:
            low = mid
        else:
            high = mid
    return [min(hi, max(lo, high * x)) for x in w]
