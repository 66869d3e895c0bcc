"""``ZSLMetric``: zero-shot (ZSL) and generalised zero-shot (GZSL) accuracies
of a model that scores every class.

Xian et al., "Zero-Shot Learning - A Comprehensive Evaluation of the Good, the
Bad and the Ugly", TPAMI 2019 (per-class mean top-1, S, U, H); Chao et al., "An
Empirical Study and Analysis of Generalized Zero-Shot Learning for Object
Recognition in the Wild", ECCV 2016 (calibrated stacking, AUSUC). The formulas
are in :mod:`rszoo.evaluation.functional.zsl`.

Input: the model's predictions, mmpretrain ``DataSample`` s with ``pred_score``
``(C,)`` over ALL ``C`` classes of the data set (global indices, seen and
unseen) and ``gt_label`` (a global index). Output keys (percent)::

    zsl/top1        per-class mean top-1 on unseen-class samples, unseen classes only
    gzsl/seen       S: per-class mean top-1 on seen-class samples, all classes
    gzsl/unseen     U: the same on unseen-class samples
    gzsl/H          2 S U / (S + U)
    gzsl/ausuc      area under the seen-unseen curve (% of the unit square)
    gzsl/H_gamma0   H without calibration (only when calibration_gamma != 0)

``S``, ``U`` and ``H`` use calibrated stacking with ``calibration_gamma``
(subtracted from the seen classes' scores; in the units of ``pred_score``,
usually softmax probabilities), which must have been chosen on a validation
split (:func:`~rszoo.evaluation.functional.choose_calibration`).
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from rszoo.datasets.zeroshot.class_split import ClassSplit
from rszoo.evaluation.functional.zsl import ausuc, gzsl_accuracies, zsl_accuracy
from rszoo.registry import METRICS


@METRICS.register_module()
class ZSLMetric(BaseMetric):
    """ZSL top-1 and GZSL S/U/H/AUSUC (see the module doc).

    The seen/unseen classes come from, in this order of precedence:
    ``class_split`` (a :class:`~rszoo.datasets.zeroshot.ClassSplit` JSON file),
    ``seen_indices`` + ``unseen_indices``, or the evaluated data set's metainfo
    keys ``seen_indices`` / ``unseen_indices`` (set by rszoo's zero-shot data
    sets). Seen and unseen must partition ``0 .. C-1``; ``C`` is the number of
    classes every ``pred_score`` must have.

    Args:
        class_split (str, optional): path of a class split JSON file (a
            relative path is resolved by :meth:`ClassSplit.from_file`).
        seen_indices, unseen_indices (list[int], optional): global indices.
        calibration_gamma (float): calibrated-stacking factor for S, U, H.
            Defaults to 0 (plain stacking).
        mode (str): ``'zsl'``, ``'gzsl'`` or ``'both'`` (default).
        ausuc (bool): also compute AUSUC in the GZSL part. Defaults to True.
        prefix (str): prefix of the ZSL key. Defaults to ``'zsl'``.
        gzsl_prefix (str): prefix of the GZSL keys. Defaults to ``'gzsl'``
            (set both, e.g. ``'val_zsl'`` / ``'val_gzsl'``, to tell two
            evaluators apart).
        collect_device, collect_dir: see mmengine's ``BaseMetric``.
    """

    MODES = ('zsl', 'gzsl', 'both')

    def __init__(self,
                 class_split: Optional[str] = None,
                 seen_indices: Optional[Sequence[int]] = None,
                 unseen_indices: Optional[Sequence[int]] = None,
                 calibration_gamma: float = 0.,
                 mode: str = 'both',
                 ausuc: bool = True,
                 prefix: str = 'zsl',
                 gzsl_prefix: str = 'gzsl',
                 collect_device: str = 'cpu',
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        if mode not in self.MODES:
            raise ValueError(f'ZSLMetric: mode must be one of {self.MODES}, got {mode!r}')
        if (seen_indices is None) != (unseen_indices is None):
            raise ValueError('ZSLMetric: give both seen_indices and unseen_indices, or neither')
        if class_split is not None and seen_indices is not None:
            raise ValueError('ZSLMetric: give class_split or seen_indices/unseen_indices, '
                             'not both')
        if not prefix or not gzsl_prefix:
            raise ValueError('ZSLMetric: prefix and gzsl_prefix must be non-empty')
        self.split = None
        if class_split is not None:
            self.split = ClassSplit.from_file(class_split)
        self.seen_indices = None if seen_indices is None else [int(i) for i in seen_indices]
        self.unseen_indices = (None if unseen_indices is None else
                               [int(i) for i in unseen_indices])
        if self.seen_indices is not None:
            self._check_partition(self.seen_indices, self.unseen_indices,
                                  max(self.seen_indices + self.unseen_indices, default=0) + 1,
                                  'seen_indices/unseen_indices')
        self.calibration_gamma = float(calibration_gamma)
        self.mode = mode
        self.with_ausuc = bool(ausuc)
        self.zsl_prefix = prefix
        self.gzsl_prefix = gzsl_prefix

    # -- classes -------------------------------------------------------------
    @staticmethod
    def _check_partition(seen: List[int], unseen: List[int], num_classes: int,
                         where: str) -> None:
        if not seen or not unseen:
            raise ValueError(f'ZSLMetric: {where} needs at least one seen and one unseen class')
        both = sorted(set(seen) & set(unseen))
        if both:
            raise ValueError(f'ZSLMetric: {where}: classes {both} are both seen and unseen')
        outside = sorted(c for c in seen + unseen if not 0 <= c < num_classes)
        if outside:
            raise ValueError(f'ZSLMetric: {where}: class indices {outside} are outside 0..'
                             f'{num_classes - 1} (global indices over all {num_classes} '
                             'classes)')
        # seen + unseen may leave classes out: a validation split (seen minus
        # val_unseen / val_unseen) never makes the unseen test classes candidates

    def resolve_classes(self) -> Tuple[List[int], List[int], int]:
        """``(seen, unseen, C)`` from the split file, the lists or the data set
        metainfo (see the class doc)."""
        meta = self.dataset_meta or {}
        meta_classes = meta.get('classes')
        if self.split is not None:
            if meta_classes is not None:
                self.split.check_classes(list(meta_classes), 'the evaluated data set')
            seen, unseen = self.split.seen_indices, self.split.unseen_indices
            num_classes, where = len(self.split.classes), f'class split {self.split.path}'
        elif self.seen_indices is not None:
            seen, unseen = self.seen_indices, self.unseen_indices
            num_classes = (len(meta_classes) if meta_classes is not None
                           else max(seen + unseen) + 1)
            where = 'seen_indices/unseen_indices'
        elif 'seen_indices' in meta and 'unseen_indices' in meta:
            seen = [int(i) for i in meta['seen_indices']]
            unseen = [int(i) for i in meta['unseen_indices']]
            num_classes = (len(meta_classes) if meta_classes is not None
                           else max(seen + unseen) + 1)
            where = 'the data set metainfo seen_indices/unseen_indices'
        else:
            raise ValueError(
                'ZSLMetric: no seen/unseen classes: give class_split (a class split JSON '
                'file) or seen_indices and unseen_indices, or evaluate a data set whose '
                'metainfo has "seen_indices" and "unseen_indices" (rszoo\'s zero-shot data '
                f'sets); the data set metainfo has keys {sorted(meta)}')
        if meta_classes is not None and len(meta_classes) != num_classes:
            raise ValueError(f'ZSLMetric: {where} covers {num_classes} classes but the '
                             f'evaluated data set has {len(meta_classes)}')
        self._check_partition(list(seen), list(unseen), num_classes, where)
        return list(seen), list(unseen), num_classes

    # -- metric --------------------------------------------------------------
    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each sample's ``pred_score`` ``(C,)``, ``gt_label`` and, when the
        model gives one, ``zsl_score`` ``(C,)`` (the ZSL figure is then read off it)."""
        for sample in data_samples:
            if 'pred_score' not in sample:
                raise KeyError('ZSLMetric: a prediction has no "pred_score"; the model must '
                               'output a score for every class (seen and unseen), got keys '
                               f'{sorted(sample.keys())}')
            score = torch.as_tensor(sample['pred_score']).detach().cpu().float()
            label = torch.as_tensor(sample['gt_label']).detach().cpu().reshape(-1)
            if label.numel() != 1:
                raise ValueError('ZSLMetric: gt_label must be one class index per sample, '
                                 f'got {label.tolist()}')
            result = dict(pred_score=score, gt_label=int(label.item()))
            if 'zsl_score' in sample:  # a separate ZSL classifier's scores (MCFA)
                result['zsl_score'] = torch.as_tensor(
                    sample['zsl_score']).detach().cpu().float()
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        seen, unseen, num_classes = self.resolve_classes()
        shapes = {tuple(r['pred_score'].shape) for r in results}
        if shapes != {(num_classes, )}:
            raise ValueError(
                f'ZSLMetric: pred_score must have one column per class, C = {num_classes} '
                f'(all seen + unseen classes, global indices), got shapes {sorted(shapes)}. '
                'A model that scores only the seen (or only the unseen) classes must put its '
                'scores at the global class indices.')
        scores = torch.stack([r['pred_score'] for r in results]).numpy()
        labels = np.array([r['gt_label'] for r in results], dtype=np.int64)
        outside = sorted(set(labels.tolist()) - set(range(num_classes)))
        if outside:
            raise ValueError(f'ZSLMetric: gt_label values {outside} are outside 0..'
                             f'{num_classes - 1}')

        metrics = {}
        if self.mode in ('zsl', 'both'):
            # a model with a separate ZSL classifier (MCFA's, trained on unseen-class latents
            # only) gives its scores as ``zsl_score``; the ZSL figure is that classifier's
            with_zsl = ['zsl_score' in r for r in results]
            if any(with_zsl) and not all(with_zsl):
                raise ValueError('ZSLMetric: some predictions carry "zsl_score" and some do '
                                 'not; a model gives it for every sample or for none')
            zsl_scores = (torch.stack([r['zsl_score'] for r in results]).numpy()
                          if all(with_zsl) else scores)
            metrics[f'{self.zsl_prefix}/top1'] = zsl_accuracy(zsl_scores, labels, unseen)
        if self.mode in ('gzsl', 'both'):
            result = gzsl_accuracies(scores, labels, seen, unseen, self.calibration_gamma)
            metrics[f'{self.gzsl_prefix}/seen'] = result['seen']
            metrics[f'{self.gzsl_prefix}/unseen'] = result['unseen']
            metrics[f'{self.gzsl_prefix}/H'] = result['H']
            if self.calibration_gamma != 0:
                metrics[f'{self.gzsl_prefix}/H_gamma0'] = gzsl_accuracies(
                    scores, labels, seen, unseen, 0.)['H']
            if self.with_ausuc:
                metrics[f'{self.gzsl_prefix}/ausuc'] = ausuc(scores, labels, seen, unseen)[0]
        return metrics

    def evaluate(self, size: int) -> dict:
        """mmengine's ``evaluate``, with the keys named by ``compute_metrics``
        (``<prefix>/...`` and ``<gzsl_prefix>/...``) instead of one prefix."""
        prefix, self.prefix = self.prefix, None
        try:
            return super().evaluate(size)
        finally:
            self.prefix = prefix
