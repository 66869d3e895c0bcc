"""The seen-unseen accuracy curve of generalised zero-shot learning, drawn.

W.-L. Chao, S. Changpinyo, B. Gong, F. Sha, "An Empirical Study and Analysis
of Generalized Zero-Shot Learning for Object Recognition in the Wild", ECCV
2016, Fig. 2 / Sec. 3.3: as the calibration factor ``gamma`` of calibrated
stacking sweeps from ``-inf`` to ``+inf``, the GZSL operating point moves
from (U, S) = (0, S_max) to (U_max, 0); the Area Under the Seen-Unseen
accuracy Curve (AUSUC) sums it up.
"""
from typing import Dict, Mapping, Optional, Tuple

import numpy as np
from matplotlib.figure import Figure


def plot_seen_unseen_curves(curves: Mapping[str, Tuple[float, Dict[str, np.ndarray]]],
                            operating_points: Optional[Mapping[str, Tuple[float, float]]] = None,
                            title: Optional[str] = None) -> Figure:
    """Draw one or more seen-unseen accuracy curves, AUSUC in the legend.

    Args:
        curves: ``label -> (ausuc, curve)``, what
            :func:`rszoo.evaluation.functional.ausuc` returns: ``curve['unseen']``
            (U, %) on the x-axis and ``curve['seen']`` (S, %) on the y-axis,
            its ``K + 1`` operating points joined by straight segments (the
            trapezoids whose area is the AUSUC, so the area under each drawn
            line equals its AUSUC).
        operating_points: ``label -> (U, S)`` marked on the curve of
            ``label`` (e.g. the GZSL accuracies with the calibration factor
            chosen on the validation classes).
        title: the axes' title.

    Returns:
        :class:`matplotlib.figure.Figure` with one ``Line2D`` per curve, in
        the order of ``curves``.
    """
    if not curves:
        raise ValueError('plot_seen_unseen_curves: no curve to draw')
    fig = Figure(figsize=(5, 5))
    ax = fig.subplots()
    for label, (area, curve) in curves.items():
        unseen, seen = np.asarray(curve['unseen']), np.asarray(curve['seen'])
        if unseen.shape != seen.shape or unseen.ndim != 1:
            raise ValueError(f'curve {label!r}: "unseen" {unseen.shape} and "seen" '
                             f'{seen.shape} must be two 1-D arrays of the same length')
        line, = ax.plot(unseen, seen, linewidth=1.2, label=f'{label} (AUSUC {area:.2f})')
        if operating_points and label in operating_points:
            u, s = operating_points[label]
            ax.plot([u], [s], marker='o', color=line.get_color(), linestyle='none')
    # a small margin: the curve's ends lie on the axes (U = 0, S = 0) and often on U = 100
    ax.set_xlim(-2, 102)
    ax.set_ylim(-2, 102)
    ax.set_aspect('equal')
    ax.set_xlabel('unseen-class accuracy U (%)')
    ax.set_ylabel('seen-class accuracy S (%)')
    ax.grid(alpha=0.3)
    ax.legend(loc='upper right', fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig
