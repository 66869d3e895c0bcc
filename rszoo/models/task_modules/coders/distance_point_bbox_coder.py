"""Boxes as distances from a point (FCOS, Tian et al. ICCV 2019, Eq. 1).

For a point ``(x, y)`` and a box ``(x1, y1, x2, y2)``::

    encode: (l, t, r, b) = (x - x1, y - y1, x2 - x, y2 - y)
    decode: (x1, y1, x2, y2) = (x - l, y - t, x + r, y + b)

(mmdetection's ``DistancePointBBoxCoder``; ``decode(encode(b)) == b``.)
"""
from typing import Optional, Sequence

import torch

from rszoo.registry import TASK_UTILS


@TASK_UTILS.register_module()
class DistancePointBBoxCoder:
    """Point + box <-> ``(l, t, r, b)`` distances (module docstring).

    Args:
        clip_border (bool): clip decoded boxes to ``max_shape`` when given.
    """

    encode_size = 4

    def __init__(self, clip_border: bool = True):
        self.clip_border = clip_border

    @staticmethod
    def encode(points: torch.Tensor, gt_bboxes: torch.Tensor,
               max_dis: Optional[float] = None, eps: float = 0.1) -> torch.Tensor:
        """``(..., 2)`` points and ``(..., 4)`` boxes -> ``(..., 4)`` distances,
        clamped to ``[0, max_dis - eps]`` when ``max_dis`` is given."""
        if points.shape[:-1] != gt_bboxes.shape[:-1] or points.shape[-1] != 2 or \
                gt_bboxes.shape[-1] != 4:
            raise ValueError(f'DistancePointBBoxCoder.encode: points (..., 2) and boxes '
                             f'(..., 4) must match, got {tuple(points.shape)} and '
                             f'{tuple(gt_bboxes.shape)}')
        x, y = points[..., 0], points[..., 1]
        dist = torch.stack((x - gt_bboxes[..., 0], y - gt_bboxes[..., 1],
                            gt_bboxes[..., 2] - x, gt_bboxes[..., 3] - y), -1)
        if max_dis is not None:
            dist = dist.clamp(min=0, max=max_dis - eps)
        return dist

    def decode(self, points: torch.Tensor, distances: torch.Tensor,
               max_shape: Optional[Sequence[int]] = None) -> torch.Tensor:
        """``(..., 2)`` points and ``(..., 4)`` distances -> ``(..., 4)`` boxes,
        clipped to ``max_shape`` ``(H, W)`` when given and ``clip_border``."""
        if points.shape[:-1] != distances.shape[:-1] or distances.shape[-1] != 4:
            raise ValueError(f'DistancePointBBoxCoder.decode: points (..., 2) and distances '
                             f'(..., 4) must match, got {tuple(points.shape)} and '
                             f'{tuple(distances.shape)}')
        x, y = points[..., 0], points[..., 1]
        boxes = torch.stack((x - distances[..., 0], y - distances[..., 1],
                             x + distances[..., 2], y + distances[..., 3]), -1)
        if self.clip_border and max_shape is not None:
            h, w = max_shape[0], max_shape[1]
            boxes = torch.stack((boxes[..., 0].clamp(0, w), boxes[..., 1].clamp(0, h),
                                 boxes[..., 2].clamp(0, w), boxes[..., 3].clamp(0, h)), -1)
        return boxes
