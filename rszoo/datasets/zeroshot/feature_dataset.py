"""Pre-extracted image features served as a zero-shot data set.

Zero-shot methods that work on fixed visual features (MCFA, built on CADA-VAE;
ESZSL; DeViSE-style linear compatibility) read the ``.npz`` written by
``tools/zeroshot/extract_features.py`` (``features`` (N, D), ``labels`` (N,),
``classes`` (C,)) and a seen/unseen :class:`ClassSplit`; ``subset`` chooses the
samples exactly as :func:`subset_positions` (the same images as the image-level
``ZeroShotDataset`` for the same split, ratio and seed).

Each item is ``dict(inputs=Tensor (D,), data_samples=DataSample(gt_label))``;
labels are the global class indices of the feature file.
"""
import os.path as osp
from typing import Optional

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmpretrain.structures import DataSample

from rszoo.fileio import resolve_path
from rszoo.registry import DATASETS
from .class_split import ZSL_SUBSETS, ClassSplit, check_subset, subset_positions


@DATASETS.register_module()
class ZSLFeatureDataset(BaseDataset):
    """Features of one zero-shot subset.

    Args:
        features (str): ``.npz`` from ``tools/zeroshot/extract_features.py``
            (under ``data_root`` when given; a relative path is resolved by
            :func:`rszoo.fileio.resolve_path`).
        class_split (str): a :class:`ClassSplit` JSON file (resolved by
            :meth:`ClassSplit.from_file`); its ``classes`` must equal the
            feature file's.
        subset (str): one of ``ZSL_SUBSETS`` (``'train'``, ``'test'``,
            ``'test_seen'``, ``'test_unseen'``, ``'val_train'``, ``'val_test'``),
            the names a zero-shot model's ``class_subset`` also takes.
        seen_test_ratio (float): share of each seen class held out as
            ``test_seen``. Defaults to 0.2.
        split_seed (int): seed of the image-level division. Defaults to 0.

    ``metainfo``: ``classes``, ``seen_indices``, ``unseen_indices`` (global
    indices; for the ``val_*`` subsets the validation split's).
    """

    def __init__(self, features: str, class_split: str, subset: str = 'train',
                 seen_test_ratio: float = 0.2, split_seed: int = 0,
                 data_root: Optional[str] = None, **kwargs):
        check_subset(subset, ZSL_SUBSETS, 'ZSLFeatureDataset', 'subset')
        if data_root and not osp.isabs(features):
            features = osp.join(data_root, features)
        features = resolve_path(features)
        if not osp.isfile(features):
            raise FileNotFoundError(f'ZSLFeatureDataset: feature file {features} does not '
                                    'exist; make it with tools/zeroshot/extract_features.py')
        with np.load(features, allow_pickle=False) as data:
            missing = [k for k in ('features', 'labels', 'classes') if k not in data]
            if missing:
                raise KeyError(f'ZSLFeatureDataset: {features} lacks {missing}')
            all_features = data['features'].astype(np.float32)
            all_labels = data['labels'].astype(np.int64)
            classes = [str(c) for c in data['classes']]
        if all_features.ndim != 2 or len(all_features) != len(all_labels):
            raise ValueError(f'ZSLFeatureDataset: {features}: features {all_features.shape} '
                             f'and labels {all_labels.shape} do not match (expected (N, D), (N,))')
        self.split = ClassSplit.from_file(class_split)
        self.split.check_classes(classes, where=features)
        positions, seen, unseen = subset_positions(self.split, all_labels, subset,
                                                   seen_test_ratio, split_seed,
                                                   owner='ZSLFeatureDataset')
        self.subset = subset
        self.feature_file = features
        self.features = all_features[positions]
        self.labels = all_labels[positions]
        self.positions = positions
        metainfo = dict(classes=tuple(classes), seen_indices=list(seen),
                        unseen_indices=list(unseen), subset=subset)
        super().__init__(ann_file='', metainfo=metainfo, data_root=data_root or '',
                         serialize_data=False, lazy_init=False, **kwargs)

    def load_data_list(self):
        return [dict(feature_index=i, gt_label=int(label))
                for i, label in enumerate(self.labels)]

    def get_gt_labels(self) -> np.ndarray:
        return self.labels.copy()

    def prepare_data(self, idx: int) -> dict:
        sample = DataSample().set_gt_label(int(self.labels[idx]))
        return dict(inputs=torch.from_numpy(self.features[idx]), data_samples=sample)

    @property
    def feature_dim(self) -> int:
        return self.features.shape[1]
