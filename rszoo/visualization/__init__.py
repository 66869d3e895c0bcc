"""Pictures and plots: band selection and stretch for any band count, image
grids, the seen-unseen accuracy curve, and atomic image/figure files.

Everything draws on :class:`matplotlib.figure.Figure` objects (no pyplot, no
GUI backend); :func:`save_figure` / :func:`save_rgb` write them.
"""
from .bands import (STRETCH_PERCENTILES, dataset_bands, percentile_stretch,
                    resolve_bands, tensor_to_hwc, to_display_rgb)
from .grid import image_grid
from .image_io import save_figure, save_rgb
from .zsl_curve import plot_seen_unseen_curves

__all__ = [
    'STRETCH_PERCENTILES', 'dataset_bands', 'percentile_stretch', 'resolve_bands', 'tensor_to_hwc',
    'to_display_rgb', 'image_grid', 'save_figure', 'save_rgb', 'plot_seen_unseen_curves'
]
