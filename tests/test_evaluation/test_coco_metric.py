"""CocoMetric: pycocotools' box mAP on known predictions."""
import json

import numpy as np
import pytest
import torch

from rszoo.evaluation.metrics import CocoMetric

KEYS = ('bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_75', 'bbox_mAP_s', 'bbox_mAP_m', 'bbox_mAP_l')


def _sample(img_id, pred_boxes, scores, gt_boxes=None, scale=(1., 1.)):
    sample = dict(img_id=img_id, ori_shape=(100, 100), scale_factor=scale,
                  pred_instances=dict(bboxes=torch.tensor(pred_boxes, dtype=torch.float32),
                                      scores=torch.tensor(scores),
                                      labels=torch.zeros(len(scores), dtype=torch.long)))
    if gt_boxes is not None:
        sample['gt_instances'] = dict(bboxes=torch.tensor(gt_boxes, dtype=torch.float32),
                                      labels=torch.zeros(len(gt_boxes), dtype=torch.long))
    return sample


def _evaluate(metric, samples):
    metric.dataset_meta = dict(classes=('ship', ))
    metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def test_perfect_predictions_give_map_one():
    gts = [[10., 10., 50., 40.], [60., 60., 70., 75.]]
    out = _evaluate(CocoMetric(), [_sample(1, gts, [0.9, 0.8], gts),
                                   _sample(2, [[0., 0., 20., 20.]], [0.7], [[0., 0., 20., 20.]])])
    assert out['bbox_mAP'] == pytest.approx(100.0)
    assert out['bbox_mAP_50'] == pytest.approx(100.0)
    assert out['bbox_mAP_75'] == pytest.approx(100.0)


def test_shifted_box_gives_the_pycocotools_value():
    """A 10 x 10 box predicted 2 px to the right: IoU = 80 / 120 = 2/3, a true
    positive at the IoU thresholds 0.50, 0.55, 0.60, 0.65 only: AP = 4/10 = 40 %."""
    out = _evaluate(CocoMetric(), [_sample(1, [[2., 0., 12., 10.]], [0.9],
                                           [[0., 0., 10., 10.]])])
    assert out['bbox_mAP'] == pytest.approx(40.0)
    assert out['bbox_mAP_50'] == pytest.approx(100.0)
    assert out['bbox_mAP_75'] == pytest.approx(0.0)
    assert out['bbox_mAP_s'] == pytest.approx(40.0)  # area 100 < 32^2
    assert out['bbox_mAP_m'] == -1.0 and out['bbox_mAP_l'] == -1.0  # no such gt


def test_ground_truth_from_ann_file_and_rescaled_samples(tmp_path):
    ann = dict(images=[dict(id=7, file_name='a.jpg', width=100, height=100),
                       dict(id=8, file_name='b.jpg', width=100, height=100)],
               annotations=[dict(id=1, image_id=7, category_id=3, bbox=[10, 10, 40, 30],
                                 area=1200, iscrowd=0)],
               categories=[dict(id=3, name='ship')])
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(ann))
    # label 0 maps to category id 3; only image 7 is evaluated
    out = _evaluate(CocoMetric(ann_file=str(path)), [_sample(7, [[10., 10., 50., 40.]], [0.9])])
    assert out['bbox_mAP'] == pytest.approx(100.0)
    # without ann_file the gt comes from the samples, scaled back by scale_factor
    out = _evaluate(CocoMetric(), [_sample(1, [[10., 10., 50., 40.]], [0.9],
                                           gt_boxes=[[5., 5., 25., 20.]], scale=(0.5, 0.5))])
    assert out['bbox_mAP'] == pytest.approx(100.0)


def test_false_positive_ranked_first_and_no_detection():
    gt = [[0., 0., 10., 10.]]
    # a higher-scored miss before the hit: precision 1/2 at recall 1 -> AP 0.5 = 50 %
    out = _evaluate(CocoMetric(), [_sample(1, [[50., 50., 60., 60.], [0., 0., 10., 10.]],
                                           [0.9, 0.8], gt)])
    assert out["bbox_mAP_50"] == pytest.approx(50.0, abs=1.0)
    out = _evaluate(CocoMetric(), [_sample(1, np.zeros((0, 4)), [], gt)])
    assert out == {k: 0.0 for k in KEYS}
