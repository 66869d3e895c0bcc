"""ROC-AUC metrics of hyperspectral anomaly detection, per scene.

For a detection map ``s`` (H, W) and a binary ground truth ``y`` (H, W):

- **AUC(D,F)**: area under PD(PF), the ROC curve. Reported value
  (``auc_df``): ``sklearn.metrics.roc_auc_score(y, s)``, exact and
  threshold-free (ties count one half). Also reported (``auc_df_sweep``): STAD's
  ``false_alarm_rate`` (utils.py:144-191 of github.com/majitao-xd/STAD-HAD):
  min-max ``s`` to [0, 1], 30,000 thresholds ``tau`` evenly in [0, 1],
  ``PD(tau) = P(s >= tau | y=1)``, ``PF(tau) = P(s >= tau | y=0)``, trapezoid rule.
- **AUC(F,tau)**: area under PF(tau) for the min-max-scaled map, the false-alarm
  side of the 3-D ROC (Chang, "An effective evaluation tool for hyperspectral
  target detection: 3D receiver operating characteristic curve analysis", IEEE
  TGRS 59(6), 2021); lower is better. Reported (``auc_ftau``): its exact value,
  ``int_0^1 PF(tau) dtau = mean over background pixels of minmax(s)``;
  ``auc_ftau_sweep`` is the authors' 30,000-point trapezoid of the same integral.

The data samples carry ``pred_anomaly_map`` and ``gt_anomaly_map`` (H, W)
tensors and ``scene`` in their metainfo. :meth:`AnomalyAUC.compute_metrics`
returns the means over scenes and, per scene, ``auc_df/<scene>``,
``auc_ftau/<scene>`` (and ``infer_s/<scene>`` when the model timed itself).
"""
import os
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from rszoo.registry import METRICS


def _check(scores: np.ndarray, labels: np.ndarray):
    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels).ravel()
    if scores.shape != labels.shape:
        raise ValueError(f'anomaly AUC: score has {scores.size} values, label {labels.size}')
    if not np.isin(np.unique(labels), (0, 1)).all():
        raise ValueError(f'anomaly AUC: labels must be 0/1, got {np.unique(labels)[:10]}')
    labels = labels.astype(bool)
    if labels.all() or not labels.any():
        raise ValueError('anomaly AUC: the label needs both anomaly and background pixels')
    return scores, labels


def _minmax(scores: np.ndarray) -> np.ndarray:
    lo, hi = scores.min(), scores.max()
    return (scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores)


def auc_df(scores, labels) -> float:
    """Exact ROC-AUC (``sklearn.metrics.roc_auc_score``)."""
    from sklearn.metrics import roc_auc_score
    scores, labels = _check(scores, labels)
    return float(roc_auc_score(labels, scores))


def auc_ftau(scores, labels) -> float:
    """Exact AUC(F,tau) = mean of the min-max-scaled score over background."""
    scores, labels = _check(scores, labels)
    return float(_minmax(scores)[~labels].mean())


def threshold_sweep(scores, labels, num: int = 30000) -> Dict[str, float]:
    """STAD's 30,000-threshold sweep: ``auc_df``, ``auc_ftau``, ``auc_dtau``
    and ``snpr = 10 log10(AUC(D,tau)/AUC(F,tau))``.

    Counts come from one sort (same values as the authors' loop over taus)."""
    scores, labels = _check(scores, labels)
    s = _minmax(scores)
    taus = np.linspace(0, s.max(), num=num)
    pos, neg = np.sort(s[labels]), np.sort(s[~labels])
    pd = 1 - np.searchsorted(pos, taus, side='left') / pos.size
    pf = 1 - np.searchsorted(neg, taus, side='left') / neg.size
    area_df = float(np.sum((pf[:-1] - pf[1:]) * (pd[1:] + pd[:-1]) / 2))
    area_ftau = float(np.trapezoid(pf, taus))
    area_dtau = float(np.trapezoid(pd, taus))
    snpr = float(10 * np.log10(area_dtau / area_ftau)) if area_ftau > 0 else float('inf')
    return dict(auc_df=area_df, auc_ftau=area_ftau, auc_dtau=area_dtau, snpr=snpr)


def scene_metrics(scores, labels, num: int = 30000) -> Dict[str, float]:
    """All per-scene values: exact ``auc_df``/``auc_ftau`` and the sweep's."""
    sweep = threshold_sweep(scores, labels, num)
    return dict(auc_df=auc_df(scores, labels), auc_ftau=auc_ftau(scores, labels),
                auc_df_sweep=sweep['auc_df'], auc_ftau_sweep=sweep['auc_ftau'],
                snpr=sweep['snpr'])


@METRICS.register_module()
class AnomalyAUC(BaseMetric):
    """Per-scene AUC(D,F) and AUC(F,tau), averaged over scenes (as the HAD
    literature and STAD's ``Result_Meter`` do).

    Args:
        num_thresholds (int): thresholds of the authors' sweep. Default 30000.
        out_dir (str, optional): also save each scene's detection map as
            ``<out_dir>/<scene>.npy`` (float32, atomic write).
        collect_device, prefix: as :class:`mmengine.evaluator.BaseMetric`
            (default prefix ``'had'``).
    """

    default_prefix = 'had'

    def __init__(self, num_thresholds: int = 30000, out_dir: Optional[str] = None,
                 collect_device: str = 'cpu', prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_thresholds = num_thresholds
        self.out_dir = out_dir

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            if isinstance(sample, dict):
                get = sample.get
            else:
                def get(key, default=None, _s=sample):
                    return getattr(_s, key, default)
            pred, gt = get('pred_anomaly_map'), get('gt_anomaly_map')
            if pred is None or gt is None:
                raise KeyError('AnomalyAUC: each data sample needs "pred_anomaly_map" and '
                               '"gt_anomaly_map"')
            pred = pred.detach().cpu().numpy() if hasattr(pred, 'detach') else np.asarray(pred)
            gt = gt.detach().cpu().numpy() if hasattr(gt, 'detach') else np.asarray(gt)
            if pred.shape != gt.shape:
                raise ValueError(f'AnomalyAUC: scene {get("scene")}: detection map '
                                 f'{pred.shape} vs ground truth {gt.shape}')
            result = dict(scene=get('scene', f'scene{len(self.results)}'),
                          **scene_metrics(pred, gt, self.num_thresholds))
            if self.out_dir is not None:
                from rszoo.fileio import atomic_save_npy
                atomic_save_npy(pred.astype(np.float32),
                                os.path.join(self.out_dir, f'{result["scene"]}.npy'))
            if get('infer_s') is not None:
                result['infer_s'] = float(get('infer_s'))
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        metrics = {}
        for key in ('auc_df', 'auc_ftau', 'auc_df_sweep', 'auc_ftau_sweep'):
            metrics[key] = float(np.mean([r[key] for r in results]))
        for r in results:
            for key in ('auc_df', 'auc_ftau', 'auc_df_sweep', 'auc_ftau_sweep', 'infer_s'):
                if key in r:
                    metrics[f'{key}/{r["scene"]}'] = r[key]
        return metrics
