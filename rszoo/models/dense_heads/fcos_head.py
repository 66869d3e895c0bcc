"""FCOS head: anchor-free one-stage detection on every pyramid level.

Tian et al., "FCOS: Fully Convolutional One-Stage Object Detection", ICCV 2019
(and the TPAMI 2020 version's improvements, mmdetection's
``fcos_center-normbbox-centeronreg-giou`` recipe). On each level ``i`` (stride
``s_i``) of ``(N, C, H_i, W_i)``, shared across levels:

- classification tower (``stacked_convs`` x conv3x3 + GN + ReLU) ->
  ``cls_score`` ``(N, K, H_i, W_i)`` logits (bias ``-log((1 - 0.01) / 0.01)``);
- regression tower (same) -> ``bbox_pred`` ``(N, 4, H_i, W_i)`` =
  ``(l, t, r, b)`` distances: ``ReLU(scale_i * conv)`` in stride units with
  ``norm_on_bbox`` (times ``s_i`` at inference), else ``exp(scale_i * conv)``;
- ``centerness`` ``(N, 1, H_i, W_i)`` from the regression tower
  (``centerness_on_reg``) or the classification tower.

Targets (:class:`~rszoo.models.task_modules.FCOSAssigner`): per point, its
box (or background) and the box's ``(l, t, r, b)``
(:class:`~rszoo.models.task_modules.DistancePointBBoxCoder`; divided by
``s_i`` with ``norm_on_bbox``); centre-ness target
``sqrt(min(l, r) / max(l, r) * min(t, b) / max(t, b))``. Losses, with
``P`` positives:

- ``loss_cls``: sigmoid focal loss over all points, / ``max(P, 1)``;
- ``loss_bbox``: GIoU of decoded positive boxes, weighted by the centre-ness
  target, / its sum;
- ``loss_centerness``: BCE of the positives' centre-ness, / ``max(P, 1)``.

Inference: score = ``sigmoid(cls) * sigmoid(centerness)``; per level the
``nms_pre`` best points whose ``sigmoid(cls) > score_thr``; boxes decoded and
clipped to ``img_shape``; class-wise NMS (``torchvision.ops.batched_nms``);
``max_per_img`` kept; divided by ``scale_factor`` back to the original image.
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import nn
from torchvision.ops import batched_nms

from rszoo.registry import MODELS, TASK_UTILS

INF = 1e8


def centerness_target(ltrb: torch.Tensor) -> torch.Tensor:
    """FCOS Eq. 3: ``(P, 4)`` distances -> ``(P,)`` centre-ness in ``[0, 1]``."""
    lr, tb = ltrb[:, [0, 2]], ltrb[:, [1, 3]]
    if len(ltrb) == 0:
        return ltrb.new_zeros(0)
    ratio = (lr.min(-1).values / lr.max(-1).values.clamp(min=1e-12)) * \
        (tb.min(-1).values / tb.max(-1).values.clamp(min=1e-12))
    return ratio.clamp(min=0).sqrt()


def _tower(in_channels: int, channels: int, num_convs: int, norm_groups: int) -> nn.Sequential:
    layers = []
    for i in range(num_convs):
        layers += [nn.Conv2d(in_channels if i == 0 else channels, channels, 3, padding=1,
                             bias=False),
                   nn.GroupNorm(min(norm_groups, channels), channels), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


@MODELS.register_module()
class FCOSHead(BaseModule):
    """FCOS head (module docstring).

    Args:
        num_classes (int): ``K``, without background.
        in_channels (int): channels of every input level.
        feat_channels (int): tower channels. Defaults to 256.
        stacked_convs (int): convs per tower. Defaults to 4.
        strides (sequence[int]): stride of each level. Defaults to 8..128.
        regress_ranges (sequence[tuple]): ``(lo, hi]`` of ``max(l, t, r, b)``
            per level (pixels). Defaults to FCOS's.
        norm_on_bbox (bool): regress distances in stride units. Defaults to True.
        centerness_on_reg (bool): centre-ness from the regression tower.
        norm_groups (int): GroupNorm groups in the towers. Defaults to 32.
        bbox_bias_init (float): initial bias of the box regression conv.
            Defaults to 0 (mmdetection's). With ``norm_on_bbox`` the distances
            pass a ReLU; from a zero bias they start near 0 (point-sized boxes,
            where the GIoU gradient nearly vanishes and a negative output gets
            none), which a short run may never leave; 1.0 starts every box at
            one stride on each side.
        assigner, bbox_coder, prior_generator (dict): task modules
            (``TASK_UTILS``); ``prior_generator`` gets ``strides`` by default.
        loss_cls, loss_bbox, loss_centerness (dict): losses (``MODELS``).
        test_cfg (dict, optional): ``nms_pre``, ``score_thr``, ``nms_iou_thr``,
            ``max_per_img``.
        init_cfg (dict, optional): mmengine init; by default convs ~ N(0, 0.01)
            and the classification prior bias.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 feat_channels: int = 256,
                 stacked_convs: int = 4,
                 strides: Sequence[int] = (8, 16, 32, 64, 128),
                 regress_ranges: Sequence[Tuple[float, float]] = (
                     (-1, 64), (64, 128), (128, 256), (256, 512), (512, INF)),
                 norm_on_bbox: bool = True,
                 centerness_on_reg: bool = True,
                 norm_groups: int = 32,
                 bbox_bias_init: float = 0.0,
                 assigner: dict = dict(type='FCOSAssigner', center_sampling=True,
                                       center_sample_radius=1.5),
                 bbox_coder: dict = dict(type='DistancePointBBoxCoder'),
                 prior_generator: Optional[dict] = None,
                 loss_cls: dict = dict(type='SigmoidFocalLoss', gamma=2.0, alpha=0.25,
                                       loss_weight=1.0),
                 loss_bbox: dict = dict(type='GIoULoss', loss_weight=1.0),
                 loss_centerness: dict = dict(type='CrossEntropyLoss', use_sigmoid=True,
                                              loss_weight=1.0),
                 test_cfg: Optional[dict] = None,
                 train_cfg: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if len(regress_ranges) != len(strides):
            raise ValueError(f'FCOSHead: {len(regress_ranges)} regress_ranges for '
                             f'{len(strides)} strides')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.strides = tuple(strides)
        self.regress_ranges = tuple(tuple(float(v) for v in r) for r in regress_ranges)
        self.norm_on_bbox = norm_on_bbox
        self.centerness_on_reg = centerness_on_reg
        self.test_cfg = dict(nms_pre=1000, score_thr=0.05, nms_iou_thr=0.5, max_per_img=100)
        self.test_cfg.update(test_cfg or {})
        self.train_cfg = train_cfg or {}
        self.assigner = TASK_UTILS.build(assigner)
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.prior_generator = TASK_UTILS.build(
            prior_generator or dict(type='MlvlPointGenerator', strides=self.strides, offset=0.5))
        self.loss_cls = MODELS.build(loss_cls)
        self.loss_bbox = MODELS.build(loss_bbox)
        self.loss_centerness = MODELS.build(loss_centerness)

        self.cls_convs = _tower(in_channels, feat_channels, stacked_convs, norm_groups)
        self.reg_convs = _tower(in_channels, feat_channels, stacked_convs, norm_groups)
        tower_out = feat_channels if stacked_convs > 0 else in_channels
        self.conv_cls = nn.Conv2d(tower_out, num_classes, 3, padding=1)
        self.conv_reg = nn.Conv2d(tower_out, 4, 3, padding=1)
        self.conv_centerness = nn.Conv2d(tower_out, 1, 3, padding=1)
        self.scales = nn.Parameter(torch.ones(len(self.strides)))
        self.bbox_bias_init = bbox_bias_init
        self._default_init()

    def _default_init(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.normal_(module.weight, std=0.01)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
        nn.init.constant_(self.conv_cls.bias, -math.log((1 - 0.01) / 0.01))
        nn.init.constant_(self.conv_reg.bias, self.bbox_bias_init)

    # ---------------------------------------------------------------- forward
    def forward(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[List[torch.Tensor], List[torch.Tensor], List[torch.Tensor]]:
        """Per level: ``cls_score`` ``(N, K, H, W)``, ``bbox_pred`` ``(N, 4, H, W)``
        (stride units in training with ``norm_on_bbox``, pixels otherwise),
        ``centerness`` ``(N, 1, H, W)``."""
        if len(feats) != len(self.strides):
            raise ValueError(f'FCOSHead: {len(feats)} feature levels for strides {self.strides}')
        cls_scores, bbox_preds, centernesses = [], [], []
        for i, x in enumerate(feats):
            cls_feat, reg_feat = self.cls_convs(x), self.reg_convs(x)
            cls_scores.append(self.conv_cls(cls_feat))
            bbox_pred = (self.scales[i] * self.conv_reg(reg_feat)).float()
            if self.norm_on_bbox:
                bbox_pred = bbox_pred.clamp(min=0)
                if not self.training:
                    bbox_pred = bbox_pred * self.strides[i]
            else:
                bbox_pred = bbox_pred.exp()
            bbox_preds.append(bbox_pred)
            centernesses.append(self.conv_centerness(
                reg_feat if self.centerness_on_reg else cls_feat))
        return cls_scores, bbox_preds, centernesses

    # ---------------------------------------------------------------- targets
    def _points(self, cls_scores: Sequence[torch.Tensor]):
        sizes = [tuple(c.shape[2:]) for c in cls_scores]
        points = self.prior_generator.grid_priors(sizes, dtype=torch.float32,
                                                  device=cls_scores[0].device)
        ranges = torch.cat([p.new_tensor(r).expand(len(p), 2)
                            for p, r in zip(points, self.regress_ranges)])
        strides = torch.cat([p.new_full((len(p), ), float(s))
                             for p, s in zip(points, self.strides)])
        return torch.cat(points), ranges, strides

    def get_targets(self, points: torch.Tensor, ranges: torch.Tensor, strides: torch.Tensor,
                    gt_instances: InstanceData) -> Tuple[torch.Tensor, torch.Tensor]:
        """One image: ``labels`` ``(P,)`` (``K`` = background) and
        ``bbox_targets`` ``(P, 4)`` (stride units with ``norm_on_bbox``)."""
        gt_bboxes = gt_instances.bboxes.to(points)
        result = self.assigner.assign(points, gt_bboxes, gt_instances.labels, ranges, strides)
        labels = result.labels.clone()
        labels[labels < 0] = self.num_classes
        targets = points.new_zeros(len(points), 4)
        pos = result.pos_mask
        if pos.any():
            targets[pos] = self.bbox_coder.encode(points[pos], gt_bboxes[result.gt_inds[pos] - 1])
            if self.norm_on_bbox:
                targets[pos] = targets[pos] / strides[pos, None]
        return labels, targets

    # ---------------------------------------------------------------- losses
    def loss(self, feats: Sequence[torch.Tensor],
             data_samples: Sequence) -> Dict[str, torch.Tensor]:
        outs = self(feats)
        return self.loss_by_feat(*outs, [s.gt_instances for s in data_samples])

    def loss_by_feat(self, cls_scores: List[torch.Tensor], bbox_preds: List[torch.Tensor],
                     centernesses: List[torch.Tensor],
                     batch_gt_instances: Sequence[InstanceData]) -> Dict[str, torch.Tensor]:
        """The three losses (module docstring) of a batch."""
        num_imgs = cls_scores[0].shape[0]
        points, ranges, strides = self._points(cls_scores)

        def flat(maps, channels):
            return torch.cat([m.permute(0, 2, 3, 1).reshape(num_imgs, -1, channels)
                              for m in maps], dim=1).reshape(-1, channels)

        flat_cls = flat(cls_scores, self.num_classes)
        flat_bbox = flat(bbox_preds, 4)
        flat_ctr = flat(centernesses, 1).reshape(-1)
        targets = [self.get_targets(points, ranges, strides, gt) for gt in batch_gt_instances]
        labels = torch.cat([t[0] for t in targets])
        bbox_targets = torch.cat([t[1] for t in targets])
        flat_points = points.repeat(num_imgs, 1)

        pos = ((labels >= 0) & (labels < self.num_classes)).nonzero().reshape(-1)
        num_pos = max(float(len(pos)), 1.0)
        loss_cls = self.loss_cls(flat_cls, labels, avg_factor=num_pos)

        pos_bbox, pos_ctr = flat_bbox[pos], flat_ctr[pos]
        if len(pos) > 0:
            pos_targets = bbox_targets[pos]
            ctr_targets = centerness_target(pos_targets)
            pos_points = flat_points[pos]
            loss_bbox = self.loss_bbox(
                self.bbox_coder.decode(pos_points, pos_bbox),
                self.bbox_coder.decode(pos_points, pos_targets),
                weight=ctr_targets, avg_factor=max(float(ctr_targets.sum()), 1e-6))
            loss_centerness = self.loss_centerness(pos_ctr, ctr_targets, avg_factor=num_pos)
        else:
            loss_bbox = pos_bbox.sum() * 0
            loss_centerness = pos_ctr.sum() * 0
        return dict(loss_cls=loss_cls, loss_bbox=loss_bbox, loss_centerness=loss_centerness)

    # ---------------------------------------------------------------- inference
    def predict(self, feats: Sequence[torch.Tensor], data_samples: Sequence,
                rescale: bool = True) -> List[InstanceData]:
        metas = [s.metainfo for s in data_samples]
        return self.predict_by_feat(*self(feats), batch_img_metas=metas, rescale=rescale)

    def predict_by_feat(self, cls_scores: List[torch.Tensor], bbox_preds: List[torch.Tensor],
                        centernesses: List[torch.Tensor], batch_img_metas: Sequence[dict],
                        rescale: bool = True) -> List[InstanceData]:
        """Boxes of each image (``bboxes`` ``(M, 4)``, ``scores``, ``labels``);
        ``bbox_preds`` in pixels (the head's eval-mode output)."""
        sizes = [tuple(c.shape[2:]) for c in cls_scores]
        points = self.prior_generator.grid_priors(sizes, dtype=torch.float32,
                                                  device=cls_scores[0].device)
        results = []
        for img_id, meta in enumerate(batch_img_metas):
            results.append(self._predict_single(
                [c[img_id] for c in cls_scores], [b[img_id] for b in bbox_preds],
                [c[img_id] for c in centernesses], points, meta, rescale))
        return results

    def _predict_single(self, cls_scores, bbox_preds, centernesses, points, meta, rescale):
        cfg = self.test_cfg
        img_shape = meta.get('img_shape', meta.get('batch_input_shape'))
        boxes_all, scores_all, labels_all = [], [], []
        for cls, bbox, ctr, pts in zip(cls_scores, bbox_preds, centernesses, points):
            scores = cls.permute(1, 2, 0).reshape(-1, self.num_classes).sigmoid()
            bbox = bbox.permute(1, 2, 0).reshape(-1, 4)
            ctr = ctr.permute(1, 2, 0).reshape(-1).sigmoid()
            # (point, class) pairs above the threshold, the nms_pre best of them
            keep = scores > cfg['score_thr']
            flat_scores = scores[keep]
            point_idx, label_idx = keep.nonzero(as_tuple=True)
            if cfg.get('nms_pre', -1) > 0 and len(flat_scores) > cfg['nms_pre']:
                flat_scores, top = flat_scores.topk(cfg['nms_pre'])
                point_idx, label_idx = point_idx[top], label_idx[top]
            boxes_all.append(self.bbox_coder.decode(pts[point_idx], bbox[point_idx],
                                                    max_shape=img_shape))
            scores_all.append(flat_scores * ctr[point_idx])
            labels_all.append(label_idx)
        boxes = torch.cat(boxes_all)
        scores = torch.cat(scores_all)
        labels = torch.cat(labels_all)
        if len(boxes):
            keep = batched_nms(boxes, scores, labels, cfg['nms_iou_thr'])[:cfg['max_per_img']]
            boxes, scores, labels = boxes[keep], scores[keep], labels[keep]
        if rescale and 'scale_factor' in meta:
            w_scale, h_scale = meta['scale_factor'][:2]
            boxes = boxes / boxes.new_tensor([w_scale, h_scale, w_scale, h_scale])
        return InstanceData(bboxes=boxes, scores=scores, labels=labels)
