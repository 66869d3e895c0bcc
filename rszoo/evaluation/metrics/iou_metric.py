"""Semantic-segmentation metrics from a confusion matrix accumulated over the
whole evaluation set (not averaged per image), as mmsegmentation's ``IoUMetric``
and DIAnet's ``lib/core/Fwiou.py``.

With ``M[g, p]`` the number of labelled pixels of true class ``g`` predicted as
``p`` (pixels whose label is ``ignore_index`` left out), ``TP_c = M[c, c]``,
``GT_c = sum_p M[c, p]``, ``PR_c = sum_g M[g, c]``:

==========  ================================================================
``IoU.c``   ``TP_c / (GT_c + PR_c - TP_c)``; NaN for a class absent from both
            labels and predictions
``mIoU``    mean of the per-class IoU over the classes that are not NaN
``aAcc``    overall pixel accuracy ``sum_c TP_c / sum M``
``Acc.c``   ``TP_c / GT_c`` (NaN when ``GT_c = 0``); ``mAcc`` their NaN-mean
``FwIoU``   ``sum_c (GT_c / sum M) * IoU_c`` (frequency weighted; DIAnet selects
            its best checkpoint on it)
==========  ================================================================

All values are in percent. DIAnet's code counts an absent class as IoU 0
(``tp / max(1, union)``); with every class present, as on FYH, the two agree.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from rszoo.registry import METRICS


def confusion_matrix(pred: np.ndarray, label: np.ndarray, num_classes: int,
                     ignore_index: Optional[int] = 255) -> np.ndarray:
    """``(K, K)`` int64 counts ``M[label, pred]`` of the pixels whose label is
    not ``ignore_index``; labels outside ``[0, K)`` are an error."""
    pred = np.asarray(pred).reshape(-1).astype(np.int64)
    label = np.asarray(label).reshape(-1).astype(np.int64)
    if pred.shape != label.shape:
        raise ValueError(f'confusion_matrix: {pred.size} predictions for {label.size} labels')
    keep = label != ignore_index if ignore_index is not None else np.ones_like(label, bool)
    pred, label = pred[keep], label[keep]
    bad = (label < 0) | (label >= num_classes)
    if bad.any():
        raise ValueError(f'confusion_matrix: labels {np.unique(label[bad]).tolist()} are '
                         f'outside [0, {num_classes}) and not the ignore index {ignore_index}')
    if ((pred < 0) | (pred >= num_classes)).any():
        raise ValueError(f'confusion_matrix: predictions outside [0, {num_classes})')
    return np.bincount(label * num_classes + pred,
                       minlength=num_classes**2).reshape(num_classes, num_classes)


def metrics_from_confusion(matrix: np.ndarray) -> Dict[str, np.ndarray]:
    """Per-class ``IoU`` and ``Acc`` and the scalars ``aAcc``, ``mIoU``,
    ``mAcc``, ``FwIoU`` (fractions, not percent) of a ``(K, K)`` matrix."""
    matrix = np.asarray(matrix, dtype=np.float64)
    tp = np.diag(matrix)
    gt = matrix.sum(axis=1)
    pred = matrix.sum(axis=0)
    total = matrix.sum()
    with np.errstate(divide='ignore', invalid='ignore'):
        union = gt + pred - tp
        iou = np.where(union > 0, tp / union, np.nan)
        acc = np.where(gt > 0, tp / gt, np.nan)
    freq = gt / total if total > 0 else np.zeros_like(gt)
    return dict(
        IoU=iou,
        Acc=acc,
        aAcc=tp.sum() / total if total > 0 else np.nan,
        mIoU=np.nanmean(iou) if np.isfinite(iou).any() else np.nan,
        mAcc=np.nanmean(acc) if np.isfinite(acc).any() else np.nan,
        FwIoU=float(np.nansum(freq * iou)))


@METRICS.register_module()
class IoUMetric(BaseMetric):
    """Per-class IoU, mIoU, aAcc, mAcc and FwIoU (%) of ``pred_sem_seg`` against
    ``gt_sem_seg`` over the evaluation set (module docstring).

    Args:
        num_classes (int, optional): ``K``; defaults to the length of the
            dataset's ``classes`` metainfo.
        ignore_index (int): label of unlabelled pixels. Defaults to 255.
        per_class (bool): also report ``IoU.<class>`` and ``Acc.<class>``.
            Defaults to True.
        collect_device, prefix: as mmengine's ``BaseMetric``.
    """

    default_prefix = ''

    def __init__(self,
                 num_classes: Optional[int] = None,
                 ignore_index: int = 255,
                 per_class: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.per_class = per_class

    def _classes(self) -> Sequence[str]:
        classes = (self.dataset_meta or {}).get('classes')
        k = self.num_classes or (len(classes) if classes else None)
        if k is None:
            raise ValueError('IoUMetric: set num_classes or give the dataset a "classes" '
                             'metainfo')
        if classes is None or len(classes) != k:
            classes = [str(i) for i in range(k)]
        return list(classes)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Add each sample's ``(K, K)`` confusion matrix to ``self.results``."""
        k = len(self._classes())
        for sample in data_samples:
            pred = sample['pred_sem_seg']['data']
            label = sample['gt_sem_seg']['data']
            if isinstance(pred, torch.Tensor):
                pred = pred.cpu().numpy()
            if isinstance(label, torch.Tensor):
                label = label.cpu().numpy()
            pred, label = np.squeeze(pred), np.squeeze(label)
            if pred.shape != label.shape:
                raise ValueError(f'IoUMetric: prediction {pred.shape} and label {label.shape} '
                                 f'differ in size ({sample.get("img_path", "")})')
            self.results.append(confusion_matrix(pred, label, k, self.ignore_index))

    def compute_metrics(self, results: List[np.ndarray]) -> Dict[str, float]:
        classes = self._classes()
        matrix = np.sum(results, axis=0)
        m = metrics_from_confusion(matrix)
        out = {key: round(float(m[key]) * 100, 4) for key in ('aAcc', 'mIoU', 'mAcc')}
        out['FwIoU'] = round(m['FwIoU'] * 100, 4)
        if self.per_class:
            for name, iou, acc in zip(classes, m['IoU'], m['Acc']):
                out[f'IoU.{name}'] = round(float(iou) * 100, 4)
                out[f'Acc.{name}'] = round(float(acc) * 100, 4)
        return out
