"""Trento: AISA Eagle HSI (63 bands) + LiDAR over a rural area south of Trento,
166 x 600 pixels, 6 classes, 30,214 labelled pixels.

Distributed as ``.mat`` (e.g. GitHub ``tyust-dayu/Trento``): ``Italy_hsi.mat``
(key ``data``, 166 x 600 x 63), ``Italy_lidar.mat`` (key ``data``, 166 x 600 x 2
LiDAR-derived rasters) and ``allgrd.mat`` (key ``mask_test``: every labelled
pixel, 1..6). The standard split (819 training pixels: 129, 125, 105, 154, 184,
122 per class) is not in those files; rszoo draws that many per class, seeded
(``protocol='per_class'``, :data:`TRENTO_STANDARD_TRAIN_COUNTS`), unless a
``split_file`` names the pixels.

Here the LiDAR and ground truth are real (``../shared/data/trento-lidar-gt-partial``)
and the HSI cube is missing: ``hsi=dict(type='synthetic', bands=63)`` stands in
for loader tests and smoke runs only.
"""
from rszoo.registry import DATASETS

from .multimodal_patch_dataset import MultimodalPatchDataset

TRENTO_CLASSES = ('Apple trees', 'Buildings', 'Ground', 'Woods', 'Vineyard', 'Roads')
TRENTO_SHAPE = (166, 600)
TRENTO_HSI_BANDS = 63
#: training pixels per class of the standard Trento split (819 in all)
TRENTO_STANDARD_TRAIN_COUNTS = (129, 125, 105, 154, 184, 122)


@DATASETS.register_module()
class Trento(MultimodalPatchDataset):
    """Trento patches (see module doc).

    Args:
        modalities (dict, optional): default
            ``hsi=dict(file='Italy_hsi.mat', key='data')``,
            ``lidar=dict(file='Italy_lidar.mat', key='data')``.
        gt_label (dict, optional): default ``allgrd.mat:mask_test``.
        num_per_class: default :data:`TRENTO_STANDARD_TRAIN_COUNTS`.
        **kwargs: see :class:`MultimodalPatchDataset`.
    """

    METAINFO = {'classes': TRENTO_CLASSES}

    def __init__(self, modalities=None, gt_label=None, **kwargs):
        modalities = modalities or {'hsi': dict(file='Italy_hsi.mat', key='data'),
                                    'lidar': dict(file='Italy_lidar.mat', key='data')}
        gt_label = gt_label or dict(file='allgrd.mat', key='mask_test')
        kwargs.setdefault('protocol', 'per_class')
        kwargs.setdefault('num_per_class', TRENTO_STANDARD_TRAIN_COUNTS)
        super().__init__(modalities=modalities, gt_label=gt_label, **kwargs)
