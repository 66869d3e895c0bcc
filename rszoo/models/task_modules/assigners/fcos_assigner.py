"""FCOS's point assignment (Tian et al., "FCOS: Fully Convolutional One-Stage
Object Detection", ICCV 2019, Sec. 3.1-3.2; centre sampling from "FCOS: A
Simple and Strong Anchor-free Object Detector", TPAMI 2020).

A point ``(x, y)`` of stride ``s`` with regress range ``(lo, hi]`` is a
positive of ground-truth box ``g = (x1, y1, x2, y2)`` when

1. it lies inside ``g`` (``min(l, t, r, b) > 0`` with ``l = x - x1``,
   ``t = y - y1``, ``r = x2 - x``, ``b = y2 - y``), or, with centre sampling,
   inside ``g``'s centre region: the square of half-side ``radius * s``
   around ``g``'s centre, clipped to ``g``;
2. ``lo <= max(l, t, r, b) <= hi`` (multi-level assignment: each FPN level
   regresses one size range).

A point matching several boxes takes the one of smallest area (FCOS's
ambiguity rule); the rest is background. Same rule and tie-break as
mmdetection's ``FCOSHead._get_targets_single``.
"""
import torch

from rszoo.registry import TASK_UTILS
from .assign_result import AssignResult

INF = 1e8


@TASK_UTILS.register_module()
class FCOSAssigner:
    """Assign ground-truth boxes to points (module docstring).

    Args:
        center_sampling (bool): positives only in the centre region. Defaults
            to True.
        center_sample_radius (float): half-side of the centre region in
            strides. Defaults to 1.5.
    """

    def __init__(self, center_sampling: bool = True, center_sample_radius: float = 1.5):
        self.center_sampling = center_sampling
        self.center_sample_radius = center_sample_radius

    def assign(self, points: torch.Tensor, gt_bboxes: torch.Tensor, gt_labels: torch.Tensor,
               regress_ranges: torch.Tensor, strides: torch.Tensor) -> AssignResult:
        """Assign.

        Args:
            points (Tensor): ``(P, 2)`` point ``x, y`` in input pixels.
            gt_bboxes (Tensor): ``(G, 4)`` ``x1, y1, x2, y2``.
            gt_labels (Tensor): ``(G,)`` class indices.
            regress_ranges (Tensor): ``(P, 2)`` ``lo, hi`` of each point's level.
            strides (Tensor): ``(P,)`` stride of each point's level.

        Returns:
            AssignResult: ``gt_inds`` (0 background, 1-based box index) and labels.
        """
        num_points, num_gts = points.shape[0], gt_bboxes.shape[0]
        if points.shape[-1] != 2 or regress_ranges.shape != (num_points, 2) or \
                strides.shape != (num_points, ):
            raise ValueError(f'FCOSAssigner: expected points (P, 2), regress_ranges (P, 2), '
                             f'strides (P,); got {tuple(points.shape)}, '
                             f'{tuple(regress_ranges.shape)}, {tuple(strides.shape)}')
        if num_gts == 0:
            return AssignResult(0, points.new_zeros(num_points, dtype=torch.long),
                                points.new_full((num_points, ), -1, dtype=torch.long))
        gt = gt_bboxes.float()[None].expand(num_points, num_gts, 4)
        areas = ((gt[..., 2] - gt[..., 0]) * (gt[..., 3] - gt[..., 1])).clone()
        xs = points[:, 0, None].expand(num_points, num_gts)
        ys = points[:, 1, None].expand(num_points, num_gts)
        ltrb = torch.stack((xs - gt[..., 0], ys - gt[..., 1], gt[..., 2] - xs, gt[..., 3] - ys),
                           dim=-1)
        if self.center_sampling:
            cx, cy = (gt[..., 0] + gt[..., 2]) / 2, (gt[..., 1] + gt[..., 3]) / 2
            radius = strides[:, None].float() * self.center_sample_radius
            x1 = torch.maximum(cx - radius, gt[..., 0])
            y1 = torch.maximum(cy - radius, gt[..., 1])
            x2 = torch.minimum(cx + radius, gt[..., 2])
            y2 = torch.minimum(cy + radius, gt[..., 3])
            inside = torch.stack((xs - x1, ys - y1, x2 - xs, y2 - ys), -1).min(-1).values > 0
        else:
            inside = ltrb.min(-1).values > 0
        max_dist = ltrb.max(-1).values
        in_range = (max_dist >= regress_ranges[:, 0, None]) & \
            (max_dist <= regress_ranges[:, 1, None])
        areas[~inside] = INF
        areas[~in_range] = INF
        min_area, min_idx = areas.min(dim=1)
        background = min_area == INF
        gt_inds = min_idx + 1
        gt_inds[background] = 0
        labels = gt_labels.long()[min_idx]
        labels[background] = -1
        return AssignResult(num_gts, gt_inds, labels)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(center_sampling={self.center_sampling}, '
                f'center_sample_radius={self.center_sample_radius})')
