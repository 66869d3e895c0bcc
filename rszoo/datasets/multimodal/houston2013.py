"""Houston2013 (IEEE GRSS Data Fusion Contest 2013): CASI HSI + LiDAR, 15 classes.

University of Houston campus, 349 x 1905 pixels at 2.5 m; 144 HSI bands
(380-1050 nm); the standard split is the contest's train / test label maps
(2,832 / 12,197 labelled pixels, ``TRLabel.mat`` / ``TSLabel.mat``). The HSI and
LiDAR rasters are distributed by GRSS (GeoTIFF:
``2013_IEEE_GRSS_DF_Contest_CASI.tif``, ``2013_IEEE_GRSS_DF_Contest_LiDAR.tif``)
and repackaged as ``.mat`` by the papers' code (MIViT: ``Houston.mat`` key
``HSI`` and ``LiDAR_MP.mat`` key ``LiDAR``). Pass the files you have as
``modalities``; the defaults are MIViT's names.

Here only the label maps exist (``../shared/data/houston2013-labels``); with a
synthetic cube of the documented shape (``dict(type='synthetic', bands=144)``)
the loader runs end to end, but no accuracy can be measured without the cube.
"""
from rszoo.registry import DATASETS

from .multimodal_patch_dataset import MultimodalPatchDataset

HOUSTON2013_CLASSES = ('Healthy grass', 'Stressed grass', 'Synthetic grass', 'Trees', 'Soil',
                       'Water', 'Residential', 'Commercial', 'Road', 'Highway', 'Railway',
                       'Parking lot 1', 'Parking lot 2', 'Tennis court', 'Running track')
#: (H, W) of the contest grid and the HSI band count.
HOUSTON2013_SHAPE = (349, 1905)
HOUSTON2013_HSI_BANDS = 144


@DATASETS.register_module()
class Houston2013(MultimodalPatchDataset):
    """Houston2013 patches on the contest's train / test masks (see module doc).

    Args:
        modalities (dict, optional): default MIViT's ``.mat`` files:
            ``hsi=dict(file='Houston.mat', key='HSI')``,
            ``lidar=dict(file='LiDAR_MP.mat', key='LiDAR')``.
        train_label / test_label (dict, optional): default
            ``TRLabel.mat:TRLabel`` / ``TSLabel.mat:TSLabel``.
        **kwargs: see :class:`MultimodalPatchDataset`.
    """

    METAINFO = {'classes': HOUSTON2013_CLASSES}

    def __init__(self, modalities=None, train_label=None, test_label=None, **kwargs):
        modalities = modalities or {'hsi': dict(file='Houston.mat', key='HSI'),
                                    'lidar': dict(file='LiDAR_MP.mat', key='LiDAR')}
        train_label = train_label or dict(file='TRLabel.mat', key='TRLabel')
        test_label = test_label or dict(file='TSLabel.mat', key='TSLabel')
        kwargs.setdefault('protocol', 'masks')
        super().__init__(modalities=modalities, train_label=train_label,
                         test_label=test_label, **kwargs)
