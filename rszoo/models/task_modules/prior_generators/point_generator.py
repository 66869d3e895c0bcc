"""Points of every feature-map level (mmdetection's ``MlvlPointGenerator``).

Level ``i`` of size ``H_i x W_i`` and stride ``s_i`` has the points
``((j + offset) * s_i, (k + offset) * s_i)`` for rows ``k`` and columns ``j``,
in row-major order (``x`` fastest), the order of
``feat.permute(0, 2, 3, 1).reshape(N, H_i * W_i, C)``. ``offset=0.5`` puts
each point at its cell's centre.
"""
from typing import List, Sequence, Tuple

import torch

from rszoo.registry import TASK_UTILS


@TASK_UTILS.register_module()
class MlvlPointGenerator:
    """Points per level (module docstring).

    Args:
        strides (sequence[int]): stride of each level.
        offset (float): cell offset of the points. Defaults to 0.5.
    """

    def __init__(self, strides: Sequence[int], offset: float = 0.5):
        self.strides = tuple(int(s) for s in strides)
        self.offset = offset

    @property
    def num_levels(self) -> int:
        return len(self.strides)

    def single_level_grid_priors(self, featmap_size: Tuple[int, int], level: int,
                                 dtype=torch.float32, device='cpu') -> torch.Tensor:
        """``(H * W, 2)`` points ``x, y`` of one level."""
        h, w = featmap_size
        stride = self.strides[level]
        xs = (torch.arange(w, device=device, dtype=dtype) + self.offset) * stride
        ys = (torch.arange(h, device=device, dtype=dtype) + self.offset) * stride
        yy, xx = torch.meshgrid(ys, xs, indexing='ij')
        return torch.stack((xx.reshape(-1), yy.reshape(-1)), dim=-1)

    def grid_priors(self, featmap_sizes: Sequence[Tuple[int, int]], dtype=torch.float32,
                    device='cpu') -> List[torch.Tensor]:
        """One ``(H_i * W_i, 2)`` tensor per level."""
        if len(featmap_sizes) != self.num_levels:
            raise ValueError(f'MlvlPointGenerator: {len(featmap_sizes)} feature maps for '
                             f'{self.num_levels} strides {self.strides}')
        return [self.single_level_grid_priors(tuple(size), i, dtype, device)
                for i, size in enumerate(featmap_sizes)]
