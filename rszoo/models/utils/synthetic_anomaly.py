"""Synthetic anomaly masks for training STAD's teacher (AETNet's generator as
changed by STAD: an 81x81 map on a 9x9 grid of 9x9 cells).

Authors' code: ``utils.py:194-283`` (``Mask``) and ``datasets.py:51-56`` of
github.com/majitao-xd/STAD-HAD. The map holds ``U{1..32}`` targets, each in a
distinct random cell at a random pixel of that cell. A target is a random
4-connected blob of ``U{3..20}`` pixels grown from its seed: at every round each
frontier pixel (4-neighbour of the blob, scanned row-major inside a 19x19 canvas)
joins with probability 0.5 until the area is reached. Pixels that fall outside
the map are dropped. The label is 1 on targets; a training crop of size ``s``
takes the top-left ``s x s`` of the map (the authors' ``[0:64, 0:64]``), so the
per-pixel statistics do not depend on the crop size.

STAD's teacher then sees ``X * (1 + M)``: target pixels are doubled in every band.
"""
from typing import Optional, Tuple

import numpy as np

from rszoo.registry import TASK_UTILS

_MOVES = ((-1, 0), (1, 0), (0, -1), (0, 1))


@TASK_UTILS.register_module()
class SyntheticAnomalyMask:
    """Random small-target masks.

    Args:
        size (int): side of the full map. Default 81.
        grid (int): cells per side (cell side ``size // grid``). Default 9.
        num_targets (tuple): inclusive range of the number of targets. Default (1, 32).
        area (tuple): inclusive range of a target's pixel count. Default (3, 20).
        grow_prob (float): probability that a frontier pixel joins. Default 0.5.
    """

    def __init__(self, size: int = 81, grid: int = 9, num_targets: Tuple[int, int] = (1, 32),
                 area: Tuple[int, int] = (3, 20), grow_prob: float = 0.5):
        if size % grid:
            raise ValueError(f'SyntheticAnomalyMask: size {size} is not a multiple of grid {grid}')
        if not 1 <= num_targets[0] <= num_targets[1] <= grid * grid:
            raise ValueError(f'SyntheticAnomalyMask: num_targets {num_targets} must lie in '
                             f'[1, {grid * grid}]')
        if not 1 <= area[0] <= area[1] <= 19 * 19:
            raise ValueError(f'SyntheticAnomalyMask: area {area} must lie in [1, 361]')
        self.size, self.grid = size, grid
        self.cell = size // grid
        self.num_targets, self.area, self.grow_prob = tuple(num_targets), tuple(area), grow_prob

    def blob(self, area: int, rng: np.random.Generator) -> np.ndarray:
        """(area, 2) offsets of one 4-connected blob grown from (0, 0)."""
        canvas = np.zeros((19, 19), dtype=bool)
        canvas[9, 9] = True
        points = [(0, 0)]
        while len(points) < area:
            frontier = []
            seen = set()
            for i, j in zip(*np.nonzero(canvas)):
                for di, dj in _MOVES:
                    p = (i + di, j + dj)
                    if 0 <= p[0] < 19 and 0 <= p[1] < 19 and not canvas[p] and p not in seen:
                        seen.add(p)
                        frontier.append(p)
            for p in frontier:
                if len(points) >= area:
                    break
                if rng.random() < self.grow_prob:
                    canvas[p] = True
                    points.append((p[0] - 9, p[1] - 9))
        return np.asarray(points, dtype=np.int64)

    def __call__(self, crop: Optional[int] = None,
                 rng: Optional[np.random.Generator] = None) -> np.ndarray:
        """One mask, (crop, crop) (or (size, size)) uint8, 1 on targets."""
        if rng is None:
            rng = np.random.default_rng(np.random.randint(0, 2**31 - 1))
        crop = self.size if crop is None else crop
        if crop > self.size:
            raise ValueError(f'SyntheticAnomalyMask: crop {crop} exceeds the map size {self.size}')
        mask = np.zeros((self.size, self.size), dtype=np.uint8)
        n = int(rng.integers(self.num_targets[0], self.num_targets[1] + 1))
        cells = rng.permutation(self.grid * self.grid)[:n]
        for cell_id in cells:
            row_cell, col_cell = divmod(int(cell_id), self.grid)
            seed = (row_cell * self.cell + int(rng.integers(0, self.cell)),
                    col_cell * self.cell + int(rng.integers(0, self.cell)))
            offsets = self.blob(int(rng.integers(self.area[0], self.area[1] + 1)), rng)
            pts = offsets + np.asarray(seed)
            keep = ((pts >= 0) & (pts < self.size)).all(axis=1)
            mask[pts[keep, 0], pts[keep, 1]] = 1
        return mask[:crop, :crop]
