"""Zero-shot (ZSL) and generalised zero-shot (GZSL) accuracies, calibrated
stacking and the seen-unseen accuracy curve (AUSUC).

Protocol: Y. Xian, C. H. Lampert, B. Schiele, Z. Akata, "Zero-Shot Learning - A
Comprehensive Evaluation of the Good, the Bad and the Ugly", IEEE TPAMI 41(9),
2019 (Sec. 4.2-4.3: per-class averaged top-1 accuracy, GZSL's ``S``, ``U`` and
their harmonic mean ``H``). Calibrated stacking and AUSUC: W.-L. Chao, S.
Changpinyo, B. Gong, F. Sha, "An Empirical Study and Analysis of Generalized
Zero-Shot Learning for Object Recognition in the Wild", ECCV 2016 (Sec. 3.2-3.3).

Conventions (every function):

- ``scores``: ``(N, C)`` real scores, higher = more likely (probabilities or
  logits, numpy or torch); column ``c`` is the GLOBAL class ``c`` of the data
  set (all seen and unseen classes). Scores must be finite.
- ``labels``: ``(N,)`` GLOBAL class indices.
- ``seen`` / ``unseen``: disjoint lists of global class indices.
- Accuracies are returned in PERCENT (0-100, like mmpretrain's ``Accuracy``),
  whatever the range of the scores. ``gamma`` is in the units of the scores.
- Per-class mean top-1 accuracy over a class set ``Y`` (Xian et al., Eq. 1)::

      acc_Y = 100 / |Y'| * sum_{c in Y'} #{i : y_i = c, pred_i = c} / #{i : y_i = c}

  where ``Y'`` are the classes of ``Y`` with at least one sample (classes
  without a test sample are left out, not counted as 0); NaN when ``Y'`` is
  empty.
- Ties in an arg-max go to the candidate class with the smallest global index
  (``numpy.argmax`` on the candidate columns in increasing index order).
"""
import math
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence]

CRITERIA = ('H', 'mean')


# -- input checks --------------------------------------------------------------
def _numpy(x: ArrayLike) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _as_scores(scores: ArrayLike, where: str) -> np.ndarray:
    scores = _numpy(scores).astype(np.float64)
    if scores.ndim != 2:
        raise ValueError(f'{where}: scores must be (N, C), got shape {scores.shape}')
    if not np.isfinite(scores).all():
        raise ValueError(f'{where}: scores contain NaN or infinite values; give finite '
                         'scores (probabilities or logits), not masked ones')
    return scores


def _as_labels(labels: ArrayLike, num: int, where: str) -> np.ndarray:
    labels = _numpy(labels).reshape(-1)
    if labels.shape[0] != num:
        raise ValueError(f'{where}: {labels.shape[0]} labels for {num} samples')
    if labels.size and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError(f'{where}: labels must be integer class indices')
    return labels.astype(np.int64)


def _as_classes(classes: Sequence[int], num_classes: Optional[int], name: str,
                where: str) -> np.ndarray:
    classes = _numpy(classes).reshape(-1)
    if classes.size == 0:
        raise ValueError(f'{where}: "{name}" is empty; give at least one class index')
    classes = classes.astype(np.int64)
    if len(np.unique(classes)) != len(classes):
        raise ValueError(f'{where}: "{name}" lists a class more than once: {classes.tolist()}')
    if num_classes is not None and (classes.min() < 0 or classes.max() >= num_classes):
        raise ValueError(f'{where}: "{name}" has indices outside [0, {num_classes}) '
                         f'(scores have {num_classes} columns): {classes.tolist()}')
    return classes


def _seen_unseen(scores: np.ndarray, labels: np.ndarray, seen, unseen,
                 where: str) -> Tuple[np.ndarray, np.ndarray]:
    seen = _as_classes(seen, scores.shape[1], 'seen', where)
    unseen = _as_classes(unseen, scores.shape[1], 'unseen', where)
    both = np.intersect1d(seen, unseen)
    if both.size:
        raise ValueError(f'{where}: classes {both.tolist()} are both seen and unseen')
    other = np.setdiff1d(np.unique(labels), np.concatenate([seen, unseen]))
    if other.size:
        raise ValueError(f'{where}: labels {other.tolist()} are neither seen nor unseen '
                         'classes (labels must be global indices of seen or unseen classes)')
    return seen, unseen


# -- building blocks -----------------------------------------------------------
def restricted_predict(scores: ArrayLike, candidates: Sequence[int]) -> np.ndarray:
    """Arg-max over the ``candidates`` columns only: ``(N,)`` global indices.

    ``pred_i = argmax_{c in candidates} scores[i, c]`` (ties: smallest index)."""
    scores = _as_scores(scores, 'restricted_predict')
    candidates = np.sort(_as_classes(candidates, scores.shape[1], 'candidates',
                                     'restricted_predict'))
    if scores.shape[0] == 0:
        return np.zeros(0, np.int64)
    return candidates[np.argmax(scores[:, candidates], axis=1)]


def _class_weights(labels: np.ndarray, classes: np.ndarray) -> Tuple[np.ndarray, int]:
    """Per-sample weights ``100 / (|Y'| n_{y_i})`` for samples of ``classes`` (0
    for the others) and ``|Y'|``, the number of those classes with samples."""
    present, counts = np.unique(labels[np.isin(labels, classes)], return_counts=True)
    weights = np.zeros(len(labels))
    if present.size:
        count_of = dict(zip(present.tolist(), counts.tolist()))
        for i, y in enumerate(labels.tolist()):
            if y in count_of:
                weights[i] = 100. / (len(present) * count_of[y])
    return weights, len(present)


def per_class_accuracy(pred: ArrayLike, labels: ArrayLike, classes: Sequence[int]) -> float:
    """Mean over ``classes`` of the per-class top-1 accuracy, in percent.

    ``100 / |Y'| * sum_{c in Y'} (1/n_c) #{i : y_i = c, pred_i = c}``, ``Y'`` =
    the classes of ``classes`` with at least one sample (those without are
    excluded); samples of other classes are ignored. NaN if ``Y'`` is empty.
    """
    pred = _numpy(pred).reshape(-1).astype(np.int64)
    labels = _as_labels(labels, len(pred), 'per_class_accuracy')
    classes = _as_classes(classes, None, 'classes', 'per_class_accuracy')
    weights, num_present = _class_weights(labels, classes)
    if num_present == 0:
        return float('nan')
    return float(np.sum(weights * (pred == labels)))


def harmonic_mean(seen: float, unseen: float) -> float:
    """``H = 2 S U / (S + U)`` (0 when both are 0; NaN if either is NaN)."""
    if math.isnan(seen) or math.isnan(unseen):
        return float('nan')
    if seen + unseen == 0:
        return 0.
    return 2. * seen * unseen / (seen + unseen)


# -- ZSL -----------------------------------------------------------------------
def zsl_accuracy(scores: ArrayLike, labels: ArrayLike, unseen: Sequence[int]) -> float:
    """Conventional ZSL accuracy (Xian et al., Sec. 4.2), in percent.

    On the samples of unseen classes only, predict among the unseen classes
    only (``pred_i = argmax_{c in unseen} scores[i, c]``) and take the
    per-class mean top-1 accuracy over ``unseen``. Seen-class samples are
    ignored. NaN if no sample belongs to an unseen class.
    """
    scores = _as_scores(scores, 'zsl_accuracy')
    labels = _as_labels(labels, scores.shape[0], 'zsl_accuracy')
    unseen = _as_classes(unseen, scores.shape[1], 'unseen', 'zsl_accuracy')
    mask = np.isin(labels, unseen)
    pred = restricted_predict(scores[mask], unseen)
    return per_class_accuracy(pred, labels[mask], unseen)


# -- GZSL ----------------------------------------------------------------------
def calibrated_stacking(scores: ArrayLike, seen: Sequence[int], gamma: float):
    """Calibrated stacking (Chao et al., ECCV 2016, Eq. 5)::

        score'_c = score_c - gamma * 1[c in seen]

    ``gamma > 0`` moves predictions towards the unseen classes (higher U, lower
    or equal S), ``gamma < 0`` towards the seen ones, ``gamma = 0`` is plain
    stacking. Returns a new array of the input's kind (torch in, torch out).
    """
    if isinstance(scores, torch.Tensor):
        if scores.dim() != 2:
            raise ValueError('calibrated_stacking: scores must be (N, C), got shape '
                             f'{tuple(scores.shape)}')
        seen = _as_classes(seen, scores.shape[1], 'seen', 'calibrated_stacking')
        out = scores.clone()
        out[:, torch.as_tensor(seen, device=scores.device)] -= gamma
        return out
    out = _numpy(scores).astype(np.float64, copy=True)
    if out.ndim != 2:
        raise ValueError(f'calibrated_stacking: scores must be (N, C), got shape {out.shape}')
    seen = _as_classes(seen, out.shape[1], 'seen', 'calibrated_stacking')
    out[:, seen] -= gamma
    return out


def gzsl_accuracies(scores: ArrayLike, labels: ArrayLike, seen: Sequence[int],
                    unseen: Sequence[int], gamma: float = 0.) -> Dict[str, float]:
    """GZSL accuracies (Xian et al., Sec. 4.3), in percent.

    Each sample is classified among ALL classes ``seen + unseen`` after
    calibrated stacking with ``gamma`` (columns of other classes, if any, are
    not candidates)::

        pred_i = argmax_{c in seen + unseen} (scores[i, c] - gamma 1[c in seen])
        S = per-class mean accuracy over ``seen``   (seen-class samples)
        U = per-class mean accuracy over ``unseen`` (unseen-class samples)
        H = 2 S U / (S + U)   (0 when S = U = 0)

    Every label must be a seen or unseen class.

    Returns:
        dict: ``seen`` (S), ``unseen`` (U), ``H``.
    """
    scores = _as_scores(scores, 'gzsl_accuracies')
    labels = _as_labels(labels, scores.shape[0], 'gzsl_accuracies')
    seen, unseen = _seen_unseen(scores, labels, seen, unseen, 'gzsl_accuracies')
    pred = restricted_predict(calibrated_stacking(scores, seen, gamma),
                              np.concatenate([seen, unseen]))
    s = per_class_accuracy(pred, labels, seen)
    u = per_class_accuracy(pred, labels, unseen)
    return dict(seen=s, unseen=u, H=harmonic_mean(s, u))


def ausuc(scores: ArrayLike, labels: ArrayLike, seen: Sequence[int],
          unseen: Sequence[int]) -> Tuple[float, Dict[str, np.ndarray]]:
    """Area Under the Seen-Unseen accuracy Curve (Chao et al., Sec. 3.3), exact.

    With calibrated stacking, sample ``i`` is given its best seen class
    ``s_i = argmax_{c in seen}`` while ``gamma < m_i`` and its best unseen class
    ``u_i = argmax_{c in unseen}`` while ``gamma > m_i``, where

        m_i = max_{c in seen} scores[i, c] - max_{c in unseen} scores[i, c].

    So S(gamma) and U(gamma) are step functions that change only at the
    margins ``m_i``; between two consecutive distinct margins (and beyond the
    extreme ones) they are constant. The curve is the ``K + 1`` operating
    points of those open intervals (``K`` = number of distinct margins), in
    increasing ``gamma``: from ``gamma -> -inf``: ``(U, S) = (0, S_max)``, every
    sample given a seen class, ``S_max`` = per-class accuracy of the seen-only
    arg-max on the seen-class samples, to ``gamma -> +inf``: ``(U_max, 0)``,
    ``U_max`` = :func:`zsl_accuracy`. ``S`` never increases and ``U`` never
    decreases along it. (The tie points ``gamma = m_i`` themselves are not
    curve points.)

    The area is the trapezoid rule with U on the x-axis and S on the y-axis::

        AUSUC = sum_k (U_{k+1} - U_k) (S_k + S_{k+1}) / 2 / 100

    i.e. the area under the curve as a percentage of the unit square (S and U
    as fractions give an area in [0, 1]; this returns 100 times it).

    Returns:
        tuple: ``(ausuc, curve)``; ``curve`` has ``gamma`` (one value per point:
        ``-inf``, the midpoints between consecutive margins, ``+inf``; any gamma
        of the same interval gives the same point), ``seen`` (S, %), ``unseen``
        (U, %), ``H`` (%) and ``margins`` (the sorted distinct ``m_i``). AUSUC is
        NaN when there is no seen-class or no unseen-class sample.
    """
    scores = _as_scores(scores, 'ausuc')
    labels = _as_labels(labels, scores.shape[0], 'ausuc')
    seen, unseen = _seen_unseen(scores, labels, seen, unseen, 'ausuc')
    seen, unseen = np.sort(seen), np.sort(unseen)
    n = scores.shape[0]
    if n:
        best_seen = seen[np.argmax(scores[:, seen], axis=1)]
        best_unseen = unseen[np.argmax(scores[:, unseen], axis=1)]
        margin = scores[:, seen].max(axis=1) - scores[:, unseen].max(axis=1)
    else:
        best_seen = best_unseen = np.zeros(0, np.int64)
        margin = np.zeros(0)
    knots = np.unique(margin)
    num_points = len(knots) + 1
    # point k (0..K) is the interval (knots[k-1], knots[k]); sample i switches from
    # its seen to its unseen class at point flip_i = (position of m_i in knots) + 1
    flip = np.searchsorted(knots, margin) + 1

    w_seen, n_seen = _class_weights(labels, seen)
    w_unseen, n_unseen = _class_weights(labels, unseen)
    # S_k = weight of correct seen-class samples not yet flipped (flip_i > k)
    hit_seen = w_seen * (best_seen == labels)
    lost = np.cumsum(np.bincount(flip, weights=hit_seen, minlength=num_points)[:num_points])
    seen_curve = hit_seen.sum() - lost
    # U_k = weight of correct unseen-class samples already flipped (flip_i <= k)
    hit_unseen = w_unseen * (best_unseen == labels)
    unseen_curve = np.cumsum(
        np.bincount(flip, weights=hit_unseen, minlength=num_points)[:num_points])
    seen_curve = np.clip(seen_curve, 0., None)
    if n_seen == 0:
        seen_curve = np.full(num_points, np.nan)
    if n_unseen == 0:
        unseen_curve = np.full(num_points, np.nan)

    gammas = np.empty(num_points)
    gammas[0], gammas[-1] = -np.inf, np.inf
    if len(knots) > 1:
        gammas[1:-1] = (knots[:-1] + knots[1:]) / 2.
    area = float(np.sum(np.diff(unseen_curve) * (seen_curve[:-1] + seen_curve[1:]) / 2.)
                 / 100.)
    h = np.array([harmonic_mean(s, u) for s, u in zip(seen_curve, unseen_curve)])
    curve = dict(gamma=gammas, seen=seen_curve, unseen=unseen_curve, H=h, margins=knots)
    return area, curve


def _criterion_value(result: Dict[str, float], criterion: str) -> float:
    if criterion == 'H':
        return result['H']
    return (result['seen'] + result['unseen']) / 2.


def choose_calibration(scores: ArrayLike, labels: ArrayLike, seen: Sequence[int],
                       unseen: Sequence[int], gammas: Optional[Sequence[float]] = None,
                       criterion: str = 'H') -> Tuple[float, Dict[str, float]]:
    """The calibration factor ``gamma`` of calibrated stacking that maximises
    ``criterion`` (``'H'``: harmonic mean; ``'mean'``: ``(S + U) / 2``).

    Use it on a VALIDATION split (e.g. ``ClassSplit.validation_split()``: seen
    minus ``val_unseen`` as seen, ``val_unseen`` as unseen), never on the
    unseen test classes, then evaluate the test split with the chosen gamma.
    The validation split's indices refer to ITS class list (the original seen
    classes), so pass the matching score columns and labels, e.g.::

        val = split.validation_split()
        cols = split.indices(val.classes)              # global columns, val order
        lookup = {g: i for i, g in enumerate(cols)}
        gamma, _ = choose_calibration(scores[:, cols], [lookup[y] for y in labels],
                                      val.seen_indices, val.unseen_indices)

    Args:
        gammas: candidate values. None (default): exact search over every
            operating point of the seen-unseen curve (see :func:`ausuc`; one
            gamma per interval: the midpoint between consecutive margins, a
            value beyond the extreme margins for the two outer intervals) plus
            ``gamma = 0``.
        criterion: ``'H'`` or ``'mean'``.

    Ties (values within 1e-9) go to the smallest ``|gamma|``, so plain
    stacking (``gamma = 0``) is kept unless calibration improves the criterion.

    Returns:
        tuple: ``(gamma, result)`` with ``result`` = :func:`gzsl_accuracies`'s
        ``seen``, ``unseen``, ``H`` at that gamma (percent).
    """
    if criterion not in CRITERIA:
        raise ValueError(f'choose_calibration: criterion must be one of {CRITERIA}, '
                         f'got {criterion!r}')
    candidates = []
    if gammas is None:
        _, curve = ausuc(scores, labels, seen, unseen)
        knots = curve['margins']
        points = curve['gamma'].copy()
        if len(knots):  # finite stand-ins for the two unbounded intervals
            points[0] = knots[0] - max(1., abs(knots[0]))
            points[-1] = knots[-1] + max(1., abs(knots[-1]))
        else:
            points[:] = 0.
        for gamma, s, u, h in zip(points, curve['seen'], curve['unseen'], curve['H']):
            candidates.append((float(gamma), dict(seen=float(s), unseen=float(u), H=float(h))))
        candidates.append((0., gzsl_accuracies(scores, labels, seen, unseen, 0.)))
    else:
        gammas = [float(g) for g in _numpy(gammas).reshape(-1)]
        if not gammas:
            raise ValueError('choose_calibration: gammas is empty')
        for gamma in gammas:
            if not math.isfinite(gamma):
                raise ValueError(f'choose_calibration: gamma {gamma} is not finite')
            candidates.append((gamma, gzsl_accuracies(scores, labels, seen, unseen, gamma)))
    values = np.array([_criterion_value(r, criterion) for _, r in candidates])
    if np.all(np.isnan(values)):
        raise ValueError('choose_calibration: the criterion is NaN for every gamma (no '
                         'seen-class or no unseen-class sample in the validation data)')
    best = np.nanmax(values)
    tied = [i for i, v in enumerate(values) if not np.isnan(v) and v >= best - 1e-9]
    pick = min(tied, key=lambda i: (abs(candidates[i][0]), candidates[i][0]))
    return candidates[pick]
