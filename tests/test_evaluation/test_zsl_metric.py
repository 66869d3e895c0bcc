"""``ZSLMetric`` through ``process`` / ``evaluate`` against values computed by hand on a small
known confusion (the case and its hand computation: ``helpers/zsl_case.py``).
"""
import json

import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.evaluation.metrics import ZSLMetric
from rszoo.registry import METRICS

from helpers.zsl_case import AUSUC, H0, LABELS, S0, SCORES, SEEN, U0, UNSEEN, ZSL


def predictions(scores=SCORES, labels=LABELS):
    return [DataSample().set_pred_score(torch.tensor(s, dtype=torch.float32))
            .set_gt_label(int(y)).to_dict() for s, y in zip(scores, labels)]


def run_metric(metric, samples=None):
    samples = predictions() if samples is None else samples
    for start in range(0, len(samples), 4):  # batches of 4
        metric.process(None, samples[start:start + 4])
    return metric.evaluate(len(samples))


def test_zsl_metric_through_evaluate():
    metric = METRICS.build(dict(type='ZSLMetric', seen_indices=SEEN, unseen_indices=UNSEEN))
    assert isinstance(metric, ZSLMetric)
    out = run_metric(metric)
    assert set(out) == {'zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/ausuc'}
    assert out['zsl/top1'] == pytest.approx(ZSL)
    assert out['gzsl/seen'] == pytest.approx(S0)
    assert out['gzsl/unseen'] == pytest.approx(U0)
    assert out['gzsl/H'] == pytest.approx(H0)
    assert out['gzsl/ausuc'] == pytest.approx(AUSUC)
    assert metric.results == []  # cleared after evaluate


def test_zsl_metric_calibrated_modes_and_prefixes():
    metric = ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, calibration_gamma=1.5)
    out = run_metric(metric)
    assert out['gzsl/H'] == pytest.approx(100 * 28 / 45)
    assert out['gzsl/H_gamma0'] == pytest.approx(H0)
    assert out['zsl/top1'] == pytest.approx(ZSL)  # calibration does not touch ZSL
    out = run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, mode='zsl'))
    assert out == {'zsl/top1': pytest.approx(ZSL)}
    out = run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, mode='gzsl',
                               ausuc=False, gzsl_prefix='val_gzsl'))
    assert set(out) == {'val_gzsl/seen', 'val_gzsl/unseen', 'val_gzsl/H'}


def test_zsl_is_read_off_a_separate_zsl_score_when_the_model_gives_one():
    """MCFA's predictions carry ``zsl_score`` (its unseen-only classifier): ZSL top-1 is that
    classifier's, GZSL stays the all-class scores'."""
    samples = predictions()
    for sample, label in zip(samples, LABELS):
        zsl = torch.zeros(len(SCORES[0]))
        zsl[int(label)] = 1.0  # right on every sample
        sample['zsl_score'] = zsl
    out = run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN), samples)
    assert out['zsl/top1'] == pytest.approx(100.0)
    assert out['gzsl/seen'] == pytest.approx(S0) and out['gzsl/H'] == pytest.approx(H0)
    samples[0].pop('zsl_score')
    with pytest.raises(ValueError, match='some predictions carry "zsl_score"'):
        run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN), samples)


def test_zsl_metric_classes_from_split_file_and_dataset_meta(tmp_path):
    path = tmp_path / 'split.json'
    path.write_text(json.dumps(dict(dataset='toy', classes=['a', 'b', 'c', 'd'],
                                    seen=['b', 'a'], unseen=['d', 'c'])))
    metric = ZSLMetric(class_split=str(path))
    metric.dataset_meta = dict(classes=('a', 'b', 'c', 'd'))
    out = run_metric(metric)
    assert out['gzsl/H'] == pytest.approx(H0) and out['zsl/top1'] == pytest.approx(ZSL)

    metric = ZSLMetric()  # from the data set metainfo (rszoo's zero-shot data sets)
    metric.dataset_meta = dict(classes=('a', 'b', 'c', 'd'), seen_indices=[0, 1],
                               unseen_indices=[2, 3])
    assert run_metric(metric)['gzsl/ausuc'] == pytest.approx(AUSUC)

    metric = ZSLMetric(class_split=str(path))
    metric.dataset_meta = dict(classes=('a', 'b', 'd', 'c'))
    with pytest.raises(ValueError, match='differ'):
        run_metric(metric)
    with pytest.raises(ValueError, match='no seen/unseen classes'):
        run_metric(ZSLMetric())


def test_zsl_metric_errors():
    with pytest.raises(ValueError, match=r'C = 4'):
        run_metric(ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN),
                   predictions(SCORES[:, :3]))
    with pytest.raises(ValueError, match='both seen and unseen'):
        ZSLMetric(seen_indices=[0, 1], unseen_indices=[1, 2])
    with pytest.raises(ValueError, match='mode'):
        ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN, mode='top5')
    with pytest.raises(ValueError, match='both seen_indices and unseen_indices'):
        ZSLMetric(seen_indices=SEEN)
    with pytest.raises(FileNotFoundError):
        ZSLMetric(class_split='no/such/split.json')
    metric = ZSLMetric(seen_indices=SEEN, unseen_indices=UNSEEN)
    with pytest.raises(KeyError, match='pred_score'):
        metric.process(None, [DataSample().set_gt_label(0).set_pred_label(0).to_dict()])


def test_zsl_metric_on_a_validation_subset_of_the_classes():
    """A validation split (seen minus val_unseen / val_unseen) leaves the unseen
    test classes out: they are no candidates, and the numbers equal the
    functions' on the same columns."""
    from rszoo.evaluation.functional import gzsl_accuracies, zsl_accuracy
    keep = np.isin(LABELS, [0, 2])
    samples = predictions(SCORES[keep], LABELS[keep])
    metric = ZSLMetric()
    metric.dataset_meta = dict(classes=('a', 'b', 'c', 'd'), seen_indices=[0],
                               unseen_indices=[2])
    result = run_metric(metric, samples)
    expected = gzsl_accuracies(SCORES[keep], LABELS[keep], [0], [2])
    assert result['gzsl/seen'] == pytest.approx(expected['seen'])
    assert result['gzsl/unseen'] == pytest.approx(expected['unseen'])
    unseen = LABELS[keep] == 2
    assert result['zsl/top1'] == pytest.approx(
        zsl_accuracy(SCORES[keep][unseen], LABELS[keep][unseen], [2]))
