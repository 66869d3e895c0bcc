"""Turn a detection data info's ``instances`` into box arrays (mmdetection's
``LoadAnnotations(with_bbox=True, with_label=True)`` contract).

Input ``results['instances']``: a list of dicts with ``bbox`` ``[x1, y1, x2, y2]``
(continuous pixel corners), ``bbox_label`` (class index) and ``ignore_flag``
(0/1; COCO's ``iscrowd``), as :class:`~rszoo.datasets.CocoDetectionDataset`
writes them. Output, all ``N`` long:

=====================  ===========================
``gt_bboxes``          ``(N, 4)`` float32
``gt_bboxes_labels``   ``(N,)`` int64
``gt_ignore_flags``    ``(N,)`` bool
=====================  ===========================

These are the keys mmcv's ``Resize`` and ``RandomFlip`` move with the image
(``gt_bboxes``), so the box-aware geometric transforms are mmcv's own.
"""
import numpy as np
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadDetAnnotations(BaseTransform):
    """``results['instances']`` -> ``gt_bboxes``, ``gt_bboxes_labels``,
    ``gt_ignore_flags`` (module docstring)."""

    def transform(self, results: dict) -> dict:
        if 'instances' not in results:
            raise KeyError('LoadDetAnnotations: results has no "instances" (a list of '
                           'dict(bbox=[x1, y1, x2, y2], bbox_label=k, ignore_flag=0|1)); '
                           f'got keys {sorted(results)}')
        instances = results['instances']
        boxes = np.array([inst['bbox'] for inst in instances], dtype=np.float32).reshape(-1, 4)
        if ((boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1])).any():
            raise ValueError(f'LoadDetAnnotations: boxes of {results.get("img_path")} must be '
                             f'x1, y1, x2, y2 with x2 >= x1 and y2 >= y1, got {boxes.tolist()}')
        results['gt_bboxes'] = boxes
        results['gt_bboxes_labels'] = np.array(
            [inst['bbox_label'] for inst in instances], dtype=np.int64)
        results['gt_ignore_flags'] = np.array(
            [bool(inst.get('ignore_flag', 0)) for inst in instances], dtype=bool)
        return results
