"""COCO-style box detection metrics through pycocotools (mmdetection's
``CocoMetric`` contract, box metrics only).

For every evaluated image the predictions (``pred_instances``: ``bboxes``
``x1, y1, x2, y2`` in original-image pixels, ``scores``, ``labels``) become COCO
results ``[x, y, w, h]``; :class:`pycocotools.cocoeval.COCOeval` (``iouType='bbox'``,
its default parameters: IoU 0.50:0.05:0.95, 100 detections per image, area
ranges small < 32^2 <= medium < 96^2 <= large) evaluates them against:

- the ground truth of ``ann_file`` (a COCO json; only the evaluated images),
  where ``area`` (used for the size ranges) is the file's own, or
- without ``ann_file``, each sample's ``gt_instances`` (and
  ``ignored_instances`` as ``iscrowd``) scaled back by ``scale_factor``, with
  ``area = w * h``.

Keys (percentages in ``[0, 100]``, pycocotools' fractions x 100 as rszoo's
other metrics and mmdetection's model tables report them; pycocotools' ``-1``
is kept where a size range has no ground truth): ``bbox_mAP`` (AP@[.5:.95]), ``bbox_mAP_50``, ``bbox_mAP_75``,
``bbox_mAP_s``, ``bbox_mAP_m``, ``bbox_mAP_l``, prefixed ``coco/`` by default.
"""
import contextlib
import io
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from rszoo.fileio import resolve_path
from rszoo.registry import METRICS

STAT_KEYS = ('bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_75', 'bbox_mAP_s', 'bbox_mAP_m', 'bbox_mAP_l')


def _to_numpy(value) -> np.ndarray:
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def xyxy_to_xywh(boxes: np.ndarray) -> np.ndarray:
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1)


@METRICS.register_module()
class CocoMetric(BaseMetric):
    """COCO box mAP through pycocotools (module docstring).

    Args:
        ann_file (str, optional): COCO json of the ground truth.
        classes (sequence[str], optional): class names when no ``ann_file``
            (category ``k + 1`` is class ``k``); default: the data set's.
        collect_device (str): 'cpu' or 'gpu'.
        prefix (str, optional): metric prefix. Defaults to ``'coco'``.
    """

    default_prefix: Optional[str] = 'coco'

    def __init__(self,
                 ann_file: Optional[str] = None,
                 classes: Optional[Sequence[str]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = resolve_path(ann_file) if ann_file else None
        self.classes = tuple(classes) if classes else None
        self._coco_gt = None
        if self.ann_file is not None:
            from pycocotools.coco import COCO
            with contextlib.redirect_stdout(io.StringIO()):
                self._coco_gt = COCO(self.ann_file)

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            pred = sample['pred_instances']
            img_id = sample.get('img_id')
            if img_id is None:
                raise KeyError('CocoMetric: a data sample has no "img_id" (PackDetInputs '
                               'copies it from the data set\'s info)')
            result = dict(img_id=img_id,
                          bboxes=_to_numpy(pred['bboxes']).reshape(-1, 4),
                          scores=_to_numpy(pred['scores']).reshape(-1),
                          labels=_to_numpy(pred['labels']).reshape(-1))
            if self._coco_gt is None:
                scale = np.tile(np.asarray(sample.get('scale_factor', (1., 1.)))[:2], 2)
                gts = []
                for key, crowd in (('gt_instances', 0), ('ignored_instances', 1)):
                    inst = sample.get(key)
                    if inst is None or 'bboxes' not in inst:
                        continue
                    boxes = _to_numpy(inst['bboxes']).reshape(-1, 4) / scale
                    for box, label in zip(boxes, _to_numpy(inst['labels']).reshape(-1)):
                        gts.append(dict(bbox=box, label=int(label), iscrowd=crowd))
                ori = sample.get('ori_shape', (0, 0))
                result['gt'] = dict(anns=gts, height=int(ori[0]), width=int(ori[1]))
            self.results.append(result)

    def _gt_from_results(self, results: List[dict]):
        from pycocotools.coco import COCO
        classes = self.classes or tuple((self.dataset_meta or {}).get('classes') or ())
        num_classes = max([len(classes)] + [a['label'] + 1 for r in results
                                            for a in r['gt']['anns']])
        images, anns = [], []
        for r in results:
            images.append(dict(id=r['img_id'], height=r['gt']['height'],
                               width=r['gt']['width']))
            for a in r['gt']['anns']:
                x, y, w, h = xyxy_to_xywh(a['bbox'])[0].tolist()
                anns.append(dict(id=len(anns) + 1, image_id=r['img_id'], bbox=[x, y, w, h],
                                 area=w * h, category_id=a['label'] + 1, iscrowd=a['iscrowd']))
        cats = [dict(id=k + 1, name=classes[k] if k < len(classes) else str(k))
                for k in range(num_classes)]
        coco = COCO()
        coco.dataset = dict(images=images, annotations=anns, categories=cats)
        with contextlib.redirect_stdout(io.StringIO()):
            coco.createIndex()
        return coco

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        from pycocotools.cocoeval import COCOeval
        coco_gt = self._coco_gt if self._coco_gt is not None else self._gt_from_results(results)
        cat_ids = sorted(coco_gt.getCatIds())
        img_ids = sorted({r['img_id'] for r in results})
        missing = [i for i in img_ids if i not in coco_gt.imgs]
        if missing:
            raise KeyError(f'CocoMetric: image ids {missing[:5]} are not in the ground truth '
                           f'({self.ann_file or "the data samples"})')
        dets = []
        for r in results:
            for box, score, label in zip(xyxy_to_xywh(r['bboxes']), r['scores'], r['labels']):
                if not 0 <= int(label) < len(cat_ids):
                    raise ValueError(f'CocoMetric: predicted label {int(label)} outside the '
                                     f'{len(cat_ids)} categories')
                dets.append(dict(image_id=r['img_id'], category_id=cat_ids[int(label)],
                                 bbox=[float(v) for v in box], score=float(score)))
        if not dets:
            print_log('CocoMetric: no detections; every AP is 0', logger='current')
            return {k: 0.0 for k in STAT_KEYS}
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            coco_dt = coco_gt.loadRes(dets)
            evaluator = COCOeval(coco_gt, coco_dt, iouType='bbox')
            evaluator.params.imgIds = img_ids
            evaluator.params.catIds = cat_ids
            evaluator.evaluate()
            evaluator.accumulate()
            evaluator.summarize()
        print_log('\n' + log.getvalue().split('DONE', )[-1].strip(), logger='current')
        return {k: float(v) if v < 0 else 100. * float(v)
                for k, v in zip(STAT_KEYS, evaluator.stats[:6])}
