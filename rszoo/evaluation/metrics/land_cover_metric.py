"""Land-cover classification metric: OA, AA, kappa and per-class accuracy.

From the confusion matrix ``M`` (rows = true class, columns = predicted;
:func:`sklearn.metrics.confusion_matrix`) over all evaluated pixels (``N``):

- OA (overall accuracy) = ``trace(M) / N``;
- CA_c (per-class accuracy, producer's accuracy) = ``M[c, c] / sum_j M[c, j]``;
- AA (average accuracy) = mean of CA_c over the classes present in the ground truth;
- kappa = ``(OA - p_e) / (1 - p_e)``, ``p_e = sum_c row_c * col_c / N^2``
  (Cohen's kappa, :func:`sklearn.metrics.cohen_kappa_score`).

The same definitions as the public MIViT code (``utils.py:284-303``) and the
MDL-RS / FedFusion ``result_cal``. All in percent (kappa x 100), the
convention of the papers' tables.
"""
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from rszoo.registry import METRICS


def land_cover_scores(gt: Sequence[int], pred: Sequence[int], num_classes: int) -> dict:
    """``{'OA', 'AA', 'kappa', 'CA' (per class, NaN for absent classes),
    'confusion'}`` of 0-based labels ``gt`` / ``pred`` (percent)."""
    gt, pred = np.asarray(gt, np.int64), np.asarray(pred, np.int64)
    if gt.shape != pred.shape or gt.ndim != 1 or gt.size == 0:
        raise ValueError(f'land_cover_scores: gt {gt.shape} and pred {pred.shape} must be '
                         'equal, non-empty 1-D arrays')
    labels = np.arange(num_classes)
    matrix = confusion_matrix(gt, pred, labels=labels)
    rows = matrix.sum(1)
    with np.errstate(invalid='ignore', divide='ignore'):
        per_class = np.where(rows > 0, np.diag(matrix) / np.maximum(rows, 1), np.nan)
    if np.unique(np.concatenate([gt, pred])).size < 2:
        kappa = 1.0 if np.array_equal(gt, pred) else 0.0  # sklearn's is NaN here
    else:
        kappa = cohen_kappa_score(gt, pred, labels=labels)
    return {'OA': 100.0 * np.trace(matrix) / matrix.sum(),
            'AA': 100.0 * float(np.nanmean(per_class)),
            'kappa': 100.0 * float(kappa),
            'CA': 100.0 * per_class,
            'confusion': matrix}


@METRICS.register_module()
class LandCoverMetric(BaseMetric):
    """OA, AA, kappa and per-class accuracy of pixel classification.

    Reads ``pred_label`` and ``gt_label`` of each data sample (mmpretrain's
    ``DataSample``). Returns ``OA``, ``AA``, ``kappa`` and ``CA/<class name>``
    (percent). Samples without a ground-truth label (unlabelled pixels of a full
    map) are skipped.

    Args:
        num_classes (int, optional): default the data set's class count.
        class_names (sequence of str, optional): default the data set's classes.
        prefix (str, optional): key prefix (none by default, so records hold
            ``OA``, ``AA``, ``kappa``).
    """

    default_prefix: Optional[str] = None

    def __init__(self, num_classes: Optional[int] = None,
                 class_names: Optional[Sequence[str]] = None,
                 collect_device: str = 'cpu', prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_classes = num_classes
        self.class_names = None if class_names is None else tuple(class_names)

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            gt, pred = sample.get('gt_label'), sample.get('pred_label')
            if gt is None or len(gt) == 0:
                continue
            self.results.append((int(gt[0]), int(pred[0])))

    def compute_metrics(self, results: List[tuple]) -> dict:
        names = self.class_names or tuple((self.dataset_meta or {}).get('classes') or ())
        num_classes = self.num_classes or len(names)
        if not num_classes:
            raise ValueError('LandCoverMetric: give num_classes or a data set with classes')
        if not results:
            raise ValueError('LandCoverMetric: no labelled sample was evaluated')
        gt, pred = np.asarray(results, np.int64).T
        scores = land_cover_scores(gt, pred, num_classes)
        metrics = {'OA': float(scores['OA']), 'AA': float(scores['AA']),
                   'kappa': float(scores['kappa'])}
        names = names if len(names) == num_classes else [str(c) for c in range(num_classes)]
        for name, value in zip(names, scores['CA']):
            if not np.isnan(value):
                metrics[f'CA/{name}'] = float(value)
        return metrics
