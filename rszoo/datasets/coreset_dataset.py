"""A data set wrapper that keeps only the samples named in a coreset file.

Made for data set pruning (TDDS: X. Zhang et al., "Spanning Training Progress:
Temporal Dual-Depth Scoring (TDDS) for Enhanced Dataset Pruning", CVPR 2024), but
it takes any coreset file of :mod:`rszoo.datasets.pruning.coreset` (TDDS, random,
...). Any data set config can use it, as mmengine's ``ClassBalancedDataset``::

    train_dataloader = dict(dataset=dict(
        type='CoresetDataset',
        index_file='work_dirs/.../coresets/tdds_keep30.json',
        dataset=<the full training data set's config>))
"""
import copy
import logging
from typing import List, Union

import numpy as np
from mmengine.dataset import BaseDataset, force_full_init
from mmengine.logging import print_log

from rszoo.fileio import resolve_path
from rszoo.registry import DATASETS
from .pruning.coreset import CoresetFileError, dataset_fingerprint, read_coreset_file


@DATASETS.register_module()
class CoresetDataset:
    """The samples of ``dataset`` listed in a coreset index file, in the
    file's (increasing) order: ``coreset[j] = dataset[indices[j]]``.

    The file must have been made for this data set: its ``dataset_size`` must
    equal ``len(dataset)``, every index must lie in ``[0, len(dataset))``, and,
    when the file carries a ``dataset_fingerprint`` and ``check_fingerprint``
    is on, the wrapped data set's fingerprint (image paths relative to the data
    root and labels, in order) must match it, so a coreset of one split is not
    applied to another split of the same size.

    A sample's ``sample_idx`` stays its index in the wrapped data set.

    Args:
        dataset (BaseDataset | dict): the full data set, or its config.
        index_file (str): the coreset file (``.json``, written by
            ``tools/dataset_converters/make_coreset.py``). Relative paths:
            working directory, then the repository root.
        check_fingerprint (bool): compare the file's fingerprint with the data
            set's. Defaults to True.
        lazy_init (bool): defer loading the data set and the file to
            :meth:`full_init`. Defaults to False.

    Raises:
        FileNotFoundError: no such index file.
        CoresetFileError: a malformed file, or one made for another data set
            (size, an index outside it, fingerprint); the message names the file,
            the wrapped data set and what was expected.
    """

    def __init__(self,
                 dataset: Union[BaseDataset, dict],
                 index_file: str,
                 check_fingerprint: bool = True,
                 lazy_init: bool = False):
        if isinstance(dataset, dict):
            self.dataset = DATASETS.build(dataset)
        elif isinstance(dataset, BaseDataset):
            self.dataset = dataset
        else:
            raise TypeError(f'CoresetDataset: dataset must be a BaseDataset or its config '
                            f'dict, got {type(dataset).__name__}')
        self.index_file = resolve_path(index_file)
        self.check_fingerprint = check_fingerprint
        self._metainfo = self.dataset.metainfo
        self.indices = np.zeros(0, dtype=np.int64)
        self.coreset_info: dict = {}
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """The wrapped data set's meta information (a copy)."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Initialise the wrapped data set, read and check the index file."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        content = read_coreset_file(self.index_file)
        size, name = len(self.dataset), type(self.dataset).__name__
        if content['dataset_size'] != size:
            raise CoresetFileError(
                f'{self.index_file} was made for a data set of {content["dataset_size"]} '
                f'samples, but the wrapped {name} has {size}; make the coreset from a '
                'trajectory recorded on this data set (same split file)')
        expected = content.get('dataset_fingerprint')
        if self.check_fingerprint and expected:
            found = dataset_fingerprint(self.dataset)
            if found is not None and found != expected:
                raise CoresetFileError(
                    f'{self.index_file} was made for another data set of {size} samples '
                    f'(dataset_fingerprint {expected[:12]}..., the wrapped {name} gives '
                    f'{found[:12]}...: other images, order or labels, e.g. another '
                    'split file); use the coreset of this split, or '
                    'check_fingerprint=False if the difference is intended')
        self.indices = content['indices']
        self.coreset_info = {k: v for k, v in content.items() if k != 'indices'}
        print_log(
            f'CoresetDataset: {len(self.indices)} of {size} samples of {name} kept '
            f'({content.get("method")}, keep ratio {content.get("keep_ratio")}) from '
            f'{self.index_file}', logger='current', level=logging.INFO)
        self._fully_initialized = True

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> int:
        """The wrapped data set's index of coreset index ``idx``."""
        return int(self.indices[idx])

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """The wrapped data set's ``get_data_info`` of ``indices[idx]``."""
        return self.dataset.get_data_info(self._get_ori_dataset_idx(idx))

    @force_full_init
    def get_cat_ids(self, idx: int) -> List[int]:
        """The wrapped data set's category ids of ``indices[idx]``."""
        return self.dataset.get_cat_ids(self._get_ori_dataset_idx(idx))

    @force_full_init
    def get_gt_labels(self) -> np.ndarray:
        """``(K,)`` labels (``gt_label``) of the kept samples, in coreset order."""
        return np.array([self.get_data_info(j)['gt_label'] for j in range(len(self))])

    def __getitem__(self, idx: int):
        if not self._fully_initialized:
            print_log('Please call `full_init` method manually to accelerate the speed.',
                      logger='current', level=logging.WARNING)
            self.full_init()
        return self.dataset[self._get_ori_dataset_idx(idx)]

    @force_full_init
    def __len__(self) -> int:
        return len(self.indices)

    def get_subset_(self, indices):
        """Not supported: take a subset of the wrapped data set instead."""
        raise NotImplementedError('CoresetDataset does not support get_subset_; a coreset '
                                  'is already a subset (write another coreset file)')

    def get_subset(self, indices):
        """Not supported: take a subset of the wrapped data set instead."""
        raise NotImplementedError('CoresetDataset does not support get_subset; a coreset '
                                  'is already a subset (write another coreset file)')

    def __repr__(self) -> str:
        kept = len(self.indices) if self._fully_initialized else 'not loaded'
        return (f'CoresetDataset(dataset={type(self.dataset).__name__}, '
                f'index_file={self.index_file!r}, kept={kept})')
