"""MUUFL Gulfport (campus 1): CASI HSI (64 bands after removing noisy ones) + LiDAR
(2 elevation rasters), 325 x 220 pixels, 11 classes, 53,687 labelled pixels.

The original release (``muufl_gulfport_campus_1_hsi_220_label.mat``) is a MATLAB
struct; the papers' code uses flat re-packs (e.g. MFT's ``HSI.mat``/``LiDAR.mat``/
``gt.mat``), whose names and keys vary: give them as ``modalities`` and
``gt_label``. Unlabelled pixels are -1 in the original and 0 in most re-packs;
both count as unlabelled. There is no standard training split: the default is
20 pixels per class (seeded, ``protocol='per_class'``), a choice, not a paper's.
Not available here; tested on synthetic files only.
"""
from rszoo.registry import DATASETS

from .multimodal_patch_dataset import MultimodalPatchDataset

MUUFL_CLASSES = ('Trees', 'Mostly grass', 'Mixed ground surface', 'Dirt and sand', 'Road',
                 'Water', 'Building shadow', 'Buildings', 'Sidewalk', 'Yellow curb',
                 'Cloth panels')
MUUFL_SHAPE = (325, 220)


@DATASETS.register_module()
class MUUFL(MultimodalPatchDataset):
    """MUUFL patches (see module doc); defaults ``HSI.mat:HSI``, ``LiDAR.mat:LiDAR``,
    ``gt.mat:gt``, 20 training pixels per class."""

    METAINFO = {'classes': MUUFL_CLASSES}

    def __init__(self, modalities=None, gt_label=None, **kwargs):
        modalities = modalities or {'hsi': dict(file='HSI.mat', key='HSI'),
                                    'lidar': dict(file='LiDAR.mat', key='LiDAR')}
        gt_label = gt_label or dict(file='gt.mat', key='gt')
        kwargs.setdefault('protocol', 'per_class')
        kwargs.setdefault('num_per_class', 20)
        super().__init__(modalities=modalities, gt_label=gt_label, **kwargs)
