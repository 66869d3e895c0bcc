"""Temporal Dual-Depth Scoring (TDDS) of training samples, for data set pruning.

Paper: X. Zhang et al., "Spanning Training Progress: Temporal Dual-Depth Scoring
(TDDS) for Enhanced Dataset Pruning", CVPR 2024 (arXiv:2311.13613). The functions
follow the authors' released scoring code (``importance_evaluation.py`` of
``github.com/zhangxin-xd/Dataset-Pruning-TDDS``).

Notation (every function):

- ``N`` training samples, ``C`` classes, epochs ``t = 0 .. T-1`` (the first ``T``
  training epochs of the scoring run); ``p_t(n)`` is the softmax over the ``C``
  classes of the logits of sample ``n`` at epoch ``t`` (the train-mode forward pass
  of the step that saw ``n``, augmented input, before that step's update).
- ``probs``: ``(T, N, C)``; ``contributions``: ``(T-1, N)``, row ``t`` is the
  transition from epoch ``t`` to ``t+1``; ``variability``: ``(T-W+1, N)``;
  ``scores``: ``(N,)``. Inputs may be numpy arrays or torch tensors; the maths is
  done in float64 and numpy arrays are returned.

First depth (per-epoch contribution, the paper's KL proxy of the projected
gradient), for ``t = 0 .. T-2``::

    c_t(n) = sum_c | p_{t+1,c}(n) * ( log(p_{t+1,c}(n) + eps) - log(p_{t,c}(n) + eps) ) |

with ``eps = 1e-8``. The absolute value on each class term is the authors' code
(``absolute=True``, the default); ``absolute=False`` gives the plain
``KL(p_{t+1} || p_t)`` (with the same ``eps``), the divergence of the paper's
derivation. The two rank samples differently.

Second depth (variability of the contributions inside a sliding window of ``W``
epochs, stride 1): window ``k = 0 .. T-W`` holds the ``W-1`` contributions
``c_k .. c_{k+W-2}``; with their mean ``mu_k(n)``::

    R_k(n) = sqrt( sum_{j=k}^{k+W-2} (c_j(n) - mu_k(n))^2 )

(the un-normalised deviation norm, ``sqrt(W-1)`` times the population standard
deviation; the factor does not change the ranking).

Temporal weighting (an exponential moving average over the windows, unrolled,
without an initial term), with ``beta`` = ``decay``::

    S(n) = sum_{k=0}^{T-W} beta * (1 - beta)^((T-W) - k) * R_k(n)

The newest window weighs ``beta``, the one before ``beta (1-beta)``, ... Samples
with the highest ``S`` are kept (:func:`rszoo.datasets.pruning.select_highest`).
"""
from typing import Optional, Union

import numpy as np
import torch

ArrayLike = Union[np.ndarray, torch.Tensor]

#: ``eps`` inside the logarithms of the contribution (the authors' value)
TDDS_EPS = 1e-8


def _as_float64(array: ArrayLike, name: str, ndim: int) -> np.ndarray:
    if isinstance(array, torch.Tensor):
        array = array.detach().cpu().numpy()
    array = np.asarray(array, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f'{name} must have {ndim} dimensions, got shape {array.shape}')
    return array


def tdds_contribution(probs_prev: ArrayLike,
                      probs_next: ArrayLike,
                      absolute: bool = True,
                      eps: float = TDDS_EPS) -> np.ndarray:
    """The first depth of TDDS: each sample's contribution ``c_t(n)`` at the
    transition from epoch ``t`` to ``t+1`` (Zhang et al., CVPR 2024; the KL
    proxy of the sample's projected gradient, as in the authors' code).

    Args:
        probs_prev (array): ``(N, C)`` softmax outputs ``p_t`` at epoch ``t``.
        probs_next (array): ``(N, C)`` softmax outputs ``p_{t+1}`` at epoch ``t+1``.
        absolute (bool): take the absolute value of each class term (the
            authors' code, default) or not (plain ``KL(p_{t+1} || p_t)``).
        eps (float): added inside both logarithms. Defaults to 1e-8.

    Returns:
        np.ndarray: ``(N,)`` float64 contributions. A row holding NaN (a sample
        not seen in one of the two epochs) gives NaN.
    """
    prev = _as_float64(probs_prev, 'probs_prev', 2)
    nxt = _as_float64(probs_next, 'probs_next', 2)
    if prev.shape != nxt.shape:
        raise ValueError(f'probs_prev {prev.shape} and probs_next {nxt.shape} must have '
                         'the same shape (N, C)')
    terms = nxt * (np.log(nxt + eps) - np.log(prev + eps))
    if absolute:
        terms = np.abs(terms)
    return terms.sum(axis=1)


def tdds_contributions(probs: ArrayLike,
                       absolute: bool = True,
                       eps: float = TDDS_EPS) -> np.ndarray:
    """:func:`tdds_contribution` for every epoch transition of a trajectory.

    Args:
        probs (array): ``(T, N, C)`` softmax outputs of ``T`` epochs.
        absolute (bool): see :func:`tdds_contribution`.
        eps (float): see :func:`tdds_contribution`.

    Returns:
        np.ndarray: ``(T-1, N)`` float64; row ``t`` is epoch ``t`` -> ``t+1``.
    """
    probs = _as_float64(probs, 'probs', 3)
    if probs.shape[0] < 2:
        raise ValueError(f'probs holds {probs.shape[0]} epoch(s) (shape {probs.shape}); '
                         'a contribution needs two consecutive epochs')
    return np.stack([
        tdds_contribution(probs[t], probs[t + 1], absolute=absolute, eps=eps)
        for t in range(probs.shape[0] - 1)
    ])


def _check_window(window: int, num_epochs: int) -> None:
    if not 3 <= window <= num_epochs:
        raise ValueError(
            f'window W={window} must satisfy 3 <= W <= T={num_epochs}: a window of W '
            'epochs holds the W-1 contributions of its transitions (W=2 holds one, '
            'whose deviation is always 0), and it must fit in the T scored epochs')


def tdds_window_variability(contributions: ArrayLike, window: int) -> np.ndarray:
    """The second depth of TDDS: ``R_k(n)``, the deviation norm of the
    contributions inside each sliding window of ``W`` epochs (stride 1).

    Args:
        contributions (array): ``(T-1, N)`` contributions of ``T`` epochs
            (:func:`tdds_contributions`).
        window (int): ``W``, the window length in epochs, ``3 <= W <= T``.

    Returns:
        np.ndarray: ``(T-W+1, N)`` float64; row ``k`` is
        ``sqrt(sum_{j=k}^{k+W-2} (c_j - mu_k)^2)`` over the window's ``W-1``
        contributions.
    """
    contributions = _as_float64(contributions, 'contributions', 2)
    num_epochs = contributions.shape[0] + 1
    _check_window(window, num_epochs)
    rows = []
    for k in range(num_epochs - window + 1):
        block = contributions[k:k + window - 1]
        deviation = block - block.mean(axis=0, keepdims=True)
        rows.append(np.sqrt((deviation ** 2).sum(axis=0)))
    return np.stack(rows)


def tdds_window_weights(num_windows: int, decay: float) -> np.ndarray:
    """The temporal weights ``beta * (1-beta)^((K-1) - k)`` of windows
    ``k = 0 .. K-1`` (oldest first), ``K = T-W+1``.

    Args:
        num_windows (int): ``K``, at least 1.
        decay (float): ``beta`` in ``(0, 1]``.

    Returns:
        np.ndarray: ``(K,)`` float64 weights; the newest window weighs ``beta``.
    """
    if num_windows < 1:
        raise ValueError(f'num_windows must be at least 1, got {num_windows}')
    if not 0.0 < decay <= 1.0:
        raise ValueError(f'decay (beta) must be in (0, 1], got {decay}')
    exponents = (num_windows - 1) - np.arange(num_windows)
    return decay * (1.0 - decay) ** exponents


def tdds_scores(contributions: ArrayLike,
                window: int = 10,
                decay: float = 0.9,
                num_epochs: Optional[int] = None) -> np.ndarray:
    """TDDS scores ``S(n)`` (Zhang et al., CVPR 2024): the temporally weighted
    sum of the windowed variability of the per-epoch contributions.

    Args:
        contributions (array): ``(E-1, N)`` contributions of ``E`` recorded
            epochs (row ``t``: epoch ``t`` -> ``t+1``).
        window (int): ``W``, the window length in epochs. Defaults to 10 (the
            authors' README).
        decay (float): ``beta`` of the moving average. Defaults to 0.9.
        num_epochs (int, optional): ``T``, score only the first ``T`` epochs
            (rows ``0 .. T-2``); defaults to all ``E`` recorded epochs.

    Returns:
        np.ndarray: ``(N,)`` float64 scores; higher = kept first.

    Raises:
        ValueError: ``T`` exceeds the recorded epochs, ``W`` does not fit, or a
            used contribution is not finite (a sample not seen in an epoch).
    """
    contributions = _as_float64(contributions, 'contributions', 2)
    recorded = contributions.shape[0] + 1
    if num_epochs is None:
        num_epochs = recorded
    if not 2 <= num_epochs <= recorded:
        raise ValueError(f'num_epochs T={num_epochs} must be in [2, {recorded}] '
                         f'(contributions of shape {contributions.shape} hold '
                         f'{recorded} epochs)')
    used = contributions[:num_epochs - 1]
    bad = ~np.isfinite(used)
    if bad.any():
        rows, samples = np.nonzero(bad)
        raise ValueError(
            f'{len(np.unique(samples))} sample(s) have non-finite contributions in '
            f'the first T={num_epochs} epochs (first: sample {samples[0]} at transition '
            f'{rows[0]} -> {rows[0] + 1}); was every sample seen in every epoch?')
    variability = tdds_window_variability(used, window)
    weights = tdds_window_weights(variability.shape[0], decay)
    return weights @ variability
