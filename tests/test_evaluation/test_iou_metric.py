"""IoUMetric: per-class IoU, mIoU, aAcc, mAcc, FwIoU from an accumulated confusion matrix."""
import math

import numpy as np
import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()

from rszoo.evaluation.metrics import IoUMetric  # noqa: E402
from rszoo.evaluation.metrics.iou_metric import confusion_matrix  # noqa: E402
from rszoo.registry import METRICS  # noqa: E402


def sample(pred, label):
    return dict(pred_sem_seg=dict(data=torch.tensor(pred)[None]),
                gt_sem_seg=dict(data=torch.tensor(label)[None]))


# image 1 (2 x 3, one pixel ignored) and image 2 (1 x 2), 3 classes
PRED1, LABEL1 = [[0, 0, 1], [2, 1, 1]], [[0, 1, 1], [2, 2, 255]]
PRED2, LABEL2 = [[2, 0]], [[2, 2]]


def test_confusion_matrix_by_hand():
    m = confusion_matrix(np.array(PRED1), np.array(LABEL1), 3)
    # rows = label, cols = pred; the 255 pixel is left out
    assert m.tolist() == [[1, 0, 0], [1, 1, 0], [0, 1, 1]]


def test_metrics_accumulate_over_the_data_set():
    """Summed confusion [[1,0,0],[1,1,0],[1,1,2]] (7 pixels):
    TP = 1, 1, 2; GT = 1, 2, 4; PR = 3, 2, 2 -> IoU = 1/3, 1/3, 2/4;
    Acc = 1, 1/2, 1/2; aAcc = 4/7; FwIoU = (1/7)(1/3) + (2/7)(1/3) + (4/7)(1/2)."""
    metric = METRICS.build(dict(type='IoUMetric', num_classes=3))
    metric.dataset_meta = dict(classes=('clear', 'thin', 'thick'))
    metric.process(None, [sample(PRED1, LABEL1), sample(PRED2, LABEL2)])
    out = metric.evaluate(2)
    iou = [1 / 3, 1 / 3, 1 / 2]
    assert out['IoU.clear'] == pytest.approx(100 / 3, abs=1e-3)
    assert out['IoU.thick'] == pytest.approx(50, abs=1e-3)
    assert out['mIoU'] == pytest.approx(100 * sum(iou) / 3, abs=1e-3)
    assert out['aAcc'] == pytest.approx(100 * 4 / 7, abs=1e-3)
    assert out['mAcc'] == pytest.approx(100 * (1 + 0.5 + 0.5) / 3, abs=1e-3)
    assert out['FwIoU'] == pytest.approx(100 * (1 / 7 / 3 + 2 / 7 / 3 + 4 / 7 / 2), abs=1e-3)
    assert out['Acc.thin'] == pytest.approx(50, abs=1e-3)
    # not the mean of per-image mIoUs: image 2 alone has IoU(thick) = 1/2, others NaN
    per_image = IoUMetric(num_classes=3)
    per_image.process(None, [sample(PRED2, LABEL2)])
    assert per_image.evaluate(1)['mIoU'] == pytest.approx(25, abs=1e-3)  # nanmean(0, 1/2)


def test_absent_class_is_nan_and_left_out_of_the_mean():
    metric = IoUMetric(num_classes=3)
    metric.process(None, [sample([[0, 1]], [[0, 1]])])
    out = metric.evaluate(1)
    assert math.isnan(out['IoU.2']) and out['mIoU'] == 100 and out['aAcc'] == 100


def test_errors():
    with pytest.raises(ValueError, match=r'outside \[0, 3\)'):
        confusion_matrix(np.array([0]), np.array([7]), 3)
    metric = IoUMetric()
    with pytest.raises(ValueError, match='num_classes'):
        metric.process(None, [sample([[0]], [[0]])])
