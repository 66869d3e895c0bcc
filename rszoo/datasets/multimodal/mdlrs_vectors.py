"""Houston2013 HSI + LiDAR pixel vectors of the MDL-RS release (Hong et al.,
"More Diverse Means Better", IEEE TGRS 59(5), 2021; GitHub
``danfenghong/IEEE_TGRS_MDL-RS``, folder ``MDL-RS_FC-Nets/HSI_LiDAR_FC``).

One row per labelled pixel of the DFC2013 split, rows in row-major scan order of
``TRLabel`` / ``TSLabel``: ``HSI_TrSet`` (2832 x 144), ``LiDAR_TrSet`` (2832 x 21
LiDAR-derived features), ``TrLabel`` (2832 x 1, 1..15), and the ``*_TeSet`` /
``TeLabel`` test rows (12,197). Here ``HSI_TeSet.mat`` is missing, so:

- ``subset='train'`` + ``split_file``: rszoo's seeded, stratified train / val /
  test split **of the 2,832 training rows** (the only rows with both modalities);
  this is what the pixel-vector results here measure;
- ``subset='test'``: the official 12,197 test rows (needs ``HSI_TeSet.mat``
  unless only ``lidar`` is asked for).

A sample is ``{<modality>: (C, 1, 1) float32, 'gt_label', 'pixel_index'}``: a
1 x 1 patch, so the patch models run unchanged on vectors. Band-wise
normalisation is fitted on the training rows only (the ``train`` part of the
split file, or all training rows for ``subset='test'``).
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from rszoo.registry import DATASETS

from .band_io import read_mat_array
from .band_normalization import BandNormalizer
from .houston2013 import HOUSTON2013_CLASSES
from .pixel_split import read_pixel_split

#: modality -> (file stem, feature count) in the MDL-RS FC release
MDLRS_MODALITIES = {'hsi': ('HSI', 144), 'lidar': ('LiDAR', 21)}


@DATASETS.register_module()
class MDLRSHouston2013Vectors(BaseDataset):
    """MDL-RS Houston2013 pixel vectors as 1 x 1 patches (see module doc).

    Args:
        modalities (sequence of str): which of ``'hsi'``, ``'lidar'`` to serve
            (a missing-modality test serves ``('lidar',)`` only).
        subset (str): ``'train'`` (``*_TrSet`` rows) or ``'test'`` (``*_TeSet``).
        split_file (str, optional): JSON split of the ``subset`` rows
            (:func:`~.pixel_split.write_pixel_split`); None serves every row.
        split (str): the part of ``split_file`` to serve: ``train``/``val``/``test``.
        normalization (str): ``'minmax'``, ``'zscore'`` or ``'none'`` per band,
            fitted on the training rows.
    """

    METAINFO = {'classes': HOUSTON2013_CLASSES}

    def __init__(self,
                 modalities: Sequence[str] = ('hsi', 'lidar'),
                 subset: str = 'train',
                 split_file: Optional[str] = None,
                 split: str = 'train',
                 normalization: str = 'minmax',
                 data_root: str = '',
                 pipeline: Sequence = (),
                 test_mode: bool = False,
                 metainfo: Optional[dict] = None,
                 **kwargs):
        unknown = [m for m in modalities if m not in MDLRS_MODALITIES]
        if unknown or not modalities:
            raise ValueError(f'MDLRSHouston2013Vectors: modalities must be a non-empty subset '
                             f'of {tuple(MDLRS_MODALITIES)}, got {tuple(modalities)}')
        if subset not in ('train', 'test'):
            raise ValueError(f'MDLRSHouston2013Vectors: subset must be "train" or "test", '
                             f'got {subset!r}')
        self.modalities = tuple(modalities)
        self.subset = subset
        self.split_file = split_file
        self.split = split
        self.normalization = normalization
        self.normalizers: Dict[str, BandNormalizer] = {}
        self._vectors: Dict[str, np.ndarray] = {}
        super().__init__(data_root=data_root, pipeline=pipeline, test_mode=test_mode,
                         metainfo=metainfo, serialize_data=False, **kwargs)

    def _read(self, stem: str, part: str) -> np.ndarray:
        name = f'{stem}_{part}Set' if stem != 'Label' else f'{part}Label'
        path = osp.join(self.data_root, f'{name}.mat')
        if not osp.isfile(path):
            hint = (' (HSI_TeSet.mat is not in ../shared/data/houston2013-mdlrs-vectors: '
                    'the MDL-RS README says to download the HSI sets from its Google Drive '
                    'link)') if name == 'HSI_TeSet' else ''
            raise FileNotFoundError(f'MDL-RS file not found: {path}{hint}')
        return np.asarray(read_mat_array(path, name))

    def load_data_list(self) -> List[dict]:
        part = 'Tr' if self.subset == 'train' else 'Te'
        labels = self._read('Label', part).ravel().astype(np.int64)
        rows = np.arange(len(labels))
        fit_rows = None
        if self.split_file:
            if self.subset != 'train':
                raise ValueError('MDLRSHouston2013Vectors: split_file splits the training rows; '
                                 'use it with subset="train"')
            rows = read_pixel_split(self.split_file, self.split)
            fit_rows = read_pixel_split(self.split_file, 'train')
            if rows.size and rows.max() >= len(labels):
                raise ValueError(f'{self.split_file}: row {rows.max()} out of range for '
                                 f'{len(labels)} rows')
        for modality in self.modalities:
            stem, bands = MDLRS_MODALITIES[modality]
            vectors = self._read(stem, part).astype(np.float32)
            if vectors.shape != (len(labels), bands):
                raise ValueError(f'MDL-RS {stem}_{part}Set: expected ({len(labels)}, {bands}), '
                                 f'got {vectors.shape}')
            if self.subset == 'train':
                fit = vectors if fit_rows is None else vectors[fit_rows]
            else:
                fit = self._read(stem, 'Tr').astype(np.float32)
            normalizer = BandNormalizer(self.normalization).fit(fit)
            self.normalizers[modality] = normalizer
            self._vectors[modality] = normalizer.transform(vectors, channel_axis=1)
        return [{'pixel_index': int(i), 'gt_label': int(labels[i] - 1)} for i in rows]

    def get_data_info(self, idx: int) -> dict:
        info = dict(self.data_list[idx])
        for modality in self.modalities:
            info[modality] = self._vectors[modality][info['pixel_index']][:, None, None].copy()
        info['modalities'] = self.modalities
        info['sample_idx'] = idx
        return info

    def get_gt_labels(self) -> np.ndarray:
        return np.asarray([d['gt_label'] for d in self.data_list], dtype=np.int64)
