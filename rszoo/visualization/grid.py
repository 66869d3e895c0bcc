"""A grid of pictures with a title under each, as one matplotlib figure."""
import math
from typing import Optional, Sequence

import numpy as np
from matplotlib.figure import Figure


def image_grid(images: Sequence[np.ndarray], titles: Optional[Sequence[str]] = None,
               ncols: Optional[int] = None, cell_inches: float = 2.4,
               suptitle: Optional[str] = None) -> Figure:
    """Lay ``images`` out row by row, ``ncols`` per row (default: about square).

    Args:
        images: ``H x W x 3`` ``uint8`` RGB pictures (e.g. from
            :func:`rszoo.visualization.to_display_rgb`); sizes may differ.
        titles: one caption per picture (e.g. ``'12: Beach'``).
        ncols: pictures per row.
        cell_inches: width and height of one cell.

    Returns:
        :class:`matplotlib.figure.Figure` (save it with
        :func:`rszoo.visualization.save_figure`).
    """
    if not len(images):
        raise ValueError('image_grid: no images to show')
    if titles is not None and len(titles) != len(images):
        raise ValueError(f'image_grid: {len(titles)} titles for {len(images)} images')
    ncols = ncols or math.ceil(math.sqrt(len(images)))
    nrows = math.ceil(len(images) / ncols)
    fig = Figure(figsize=(cell_inches * ncols, (cell_inches + 0.35) * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis('off')
        if i < len(images):
            ax.imshow(images[i], interpolation='nearest')
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    return fig
