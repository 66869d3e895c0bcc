"""RSSCN7 (Zou et al., 2015)."""
from rszoo.registry import DATASETS
from .scene_classification import RSSceneDataset


@DATASETS.register_module()
class RSSCN7(RSSceneDataset):
    """RSSCN7: 2,800 Google Earth scenes of 7 classes, 400 per class,
    400x400 px RGB JPEGs.

    Q. Zou, L. Ni, T. Zhang, Q. Wang, "Deep Learning Based Feature Selection
    for Remote Sensing Scene Classification", IEEE GRSL 12(11), 2015.

    ``data_root`` is the root of the release (GitHub ``palewithout/RSSCN7``:
    ``<data_root>/aGrass/a001.jpg``, ...). The folder names carry a letter
    prefix that fixes their order: aGrass, bField, cIndustry, dRiverLake,
    eForest, fResident, gParking.

    Protocols in the literature: 20%/80% and 50%/50% train/test per class.
    """

    METAINFO = dict(classes=('aGrass', 'bField', 'cIndustry', 'dRiverLake',
                             'eForest', 'fResident', 'gParking'))
