"""``ZeroShotDataset``: serve a scene data set under a seen/unseen class split.

Zero-shot (ZSL) and generalised zero-shot (GZSL) protocol (Xian et al., TPAMI
2019, "Zero-Shot Learning - A Comprehensive Evaluation of the Good, the Bad and
the Ugly"): a model trains on images of the *seen* classes only; ZSL tests on
images of the *unseen* classes, GZSL on held-out seen-class images plus every
unseen-class image, predicting over all classes.

The wrapper builds the inner scene data set over *all* its images (e.g.
``dict(type='AID', data_root=...)`` with no ``split_file``), checks its class
order against the :class:`~.class_split.ClassSplit` file, and keeps the images
of one subset (positions chosen by :func:`~.class_split.subset_positions` with
:func:`~.class_split.split_seen_images`, per class, seeded by ``split_seed``;
``ZSLFeatureDataset`` chooses the same samples the same way):

==============  ===============================================================
``subset``      images
==============  ===============================================================
``train``       seen classes, training part (``1 - seen_test_ratio`` per class)
``test_seen``   seen classes, held-out part (``seen_test_ratio`` per class)
``test_unseen`` every image of the unseen classes (the ZSL test set)
``test``        ``test_seen`` + ``test_unseen`` (the GZSL test set)
``val_train``   ``train`` images of the classes ``seen - val_unseen``, training
                part of a second split with the same ratio (seed + 1)
``val_test``    ``train`` images of ``seen - val_unseen`` held out by that
                second split + every ``train`` image of ``val_unseen``
==============  ===============================================================

The validation subsets never hold an image of an unseen test class, nor one of
``test_seen``: tuning on ``val_train``/``val_test`` looks at no test image.

Labels stay the inner data set's *global* class index in every subset, so
class scores over all ``C`` classes line up with ``gt_label``. ``metainfo``
carries ``classes`` (all ``C``), ``seen_indices`` and ``unseen_indices``
(global indices; for the validation subsets seen = ``seen - val_unseen`` and
unseen = ``val_unseen``), ``subset`` and ``class_split`` (the file).
"""
import copy
from typing import List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset as MMEngineBaseDataset
from mmpretrain.datasets import BaseDataset

from rszoo.registry import DATASETS, TRANSFORMS
from .class_split import ZSL_SUBSETS, ClassSplit, check_subset, subset_positions


@DATASETS.register_module()
class ZeroShotDataset(BaseDataset):
    """A scene data set restricted to one subset of a seen/unseen class split.

    Args:
        dataset (dict | BaseDataset): the inner data set, or its config. Give it
            no split file, so that it lists every image of every class.
        class_split (str): a ClassSplit JSON file (``splits/zsl/...``); a
            relative path is resolved by :meth:`ClassSplit.from_file` (the
            working directory, then the repository root).
        subset (str): one of ``ZSL_SUBSETS``: ``'train'``, ``'test'``,
            ``'test_seen'``, ``'test_unseen'``, ``'val_train'``, ``'val_test'``
            (module doc); the same names a zero-shot model's ``class_subset``
            takes (:data:`~.class_split.SUBSET_CLASSES`).
        seen_test_ratio (float): share of each seen class held out as
            ``test_seen`` (and, inside ``train``, by the validation split).
            Defaults to 0.2.
        split_seed (int): seed of the per-class image split. Defaults to 0.
        pipeline (Sequence, optional): transforms applied to each sample; None
            uses the inner data set's pipeline.
        **kwargs: ``test_mode``, ``serialize_data``, ``max_refetch``,
            ``indices`` of mmengine's ``BaseDataset``.

    Raises:
        ValueError: unknown ``subset``; the inner data set's classes differ
            from the split's; the split has no ``val_unseen`` for a val subset.
    """

    def __init__(self,
                 dataset: Union[dict, MMEngineBaseDataset],
                 class_split: str,
                 subset: str = 'train',
                 seen_test_ratio: float = 0.2,
                 split_seed: int = 0,
                 pipeline: Optional[Sequence] = None,
                 **kwargs) -> None:
        check_subset(subset, ZSL_SUBSETS, 'ZeroShotDataset', 'subset')
        for key in ('ann_file', 'data_root', 'data_prefix', 'classes', 'metainfo',
                    'lazy_init'):
            if key in kwargs:
                raise TypeError(f'ZeroShotDataset takes no {key!r}: give it to the inner '
                                'dataset (classes and metainfo come from it)')
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dataset)
        elif not isinstance(dataset, MMEngineBaseDataset):
            raise TypeError('ZeroShotDataset: dataset must be a config dict or an '
                            f'mmengine BaseDataset, got {type(dataset).__name__}')
        self.dataset = dataset
        self.dataset.full_init()
        self.class_split = ClassSplit.from_file(class_split)
        self.class_split_file = self.class_split.path
        inner_classes = tuple(self.dataset.metainfo.get('classes') or ())
        self.class_split.check_classes(inner_classes, f'{type(self.dataset).__name__} '
                                       '(the inner dataset of ZeroShotDataset)')
        self.subset = subset
        self.seen_test_ratio = seen_test_ratio
        self.split_seed = split_seed

        split = self.class_split
        # raises for a val_* subset of a split without val_unseen
        seen_idx, unseen_idx = split.subset_indices(subset, 'ZeroShotDataset')

        if pipeline is None:
            pipeline = list(self.dataset.pipeline.transforms)
        transforms = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline]
        metainfo = dict(classes=split.classes, seen_indices=list(seen_idx),
                        unseen_indices=list(unseen_idx), subset=subset)
        super().__init__(ann_file='', metainfo=metainfo, pipeline=transforms, **kwargs)
        # set after mmengine's metainfo loading, which reads a str value naming an
        # existing file as that file's lines: keep the path itself
        self._metainfo['class_split'] = self.class_split_file

    # ------------------------------------------------------------------------
    def selected_positions(self) -> np.ndarray:
        """Positions (in the inner data set) of this subset's samples, sorted
        (:func:`~.class_split.subset_positions`, shared with
        ``ZSLFeatureDataset``: the same split, ratio and seed choose the same
        images)."""
        labels = np.asarray([int(self.dataset.get_data_info(i)['gt_label'])
                             for i in range(len(self.dataset))], dtype=np.int64)
        positions, _, _ = subset_positions(self.class_split, labels, self.subset,
                                           self.seen_test_ratio, self.split_seed,
                                           owner='ZeroShotDataset')
        return positions

    def load_data_list(self) -> List[dict]:
        """The inner data set's sample dicts of this subset (global labels)."""
        data_list = []
        for pos in self.selected_positions():
            info = copy.deepcopy(self.dataset.get_data_info(int(pos)))
            info.pop('sample_idx', None)
            info['gt_label'] = int(info['gt_label'])
            data_list.append(info)
        return data_list

    def extra_repr(self) -> List[str]:
        split = self.class_split
        return [f'Class split: \t{self.class_split_file}',
                f'Subset: \t{self.subset}',
                f'Seen / unseen / val_unseen: \t{len(split.seen)} / {len(split.unseen)} / '
                f'{len(split.val_unseen)}',
                f'Seen test ratio, split seed: \t{self.seen_test_ratio}, {self.split_seed}',
                f'Inner dataset: \t{type(self.dataset).__name__}']
