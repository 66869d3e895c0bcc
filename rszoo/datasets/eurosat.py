"""EuroSAT, RGB version (Helber et al., 2019)."""
from rszoo.registry import DATASETS
from .scene_classification import RSSceneDataset


@DATASETS.register_module()
class EuroSATRGB(RSSceneDataset):
    """EuroSAT (RGB): 27,000 Sentinel-2 patches of 10 land-use / land-cover
    classes, 64x64 px RGB JPEGs at 10 m (bands B4, B3, B2).

    P. Helber, B. Bischke, A. Dengel, D. Borth, "EuroSAT: A Novel Dataset
    and Deep Learning Benchmark for Land Use and Land Cover Classification",
    IEEE JSTARS 12(7), 2019.

    ``data_root`` is the class-folder root of the RGB archive: ``2750`` in
    the original ``EuroSAT.zip``, ``EuroSAT_RGB`` in the Zenodo re-release
    (``<data_root>/AnnualCrop/AnnualCrop_1.jpg``, ...). Folder names and
    order as released, confirmed with torchgeo's ``EuroSAT``
    (``microsoft/torchgeo``: ``torchgeo/datasets/eurosat.py``,
    ``class_name_to_label_idx`` 0..9 in this order) and torchrs'
    ``EuroSATRGB`` (``isaaccorley/torchrs``, root ``2750``).

    Protocol in the literature: 80%/20% train/test per class.
    """

    METAINFO = dict(classes=(
        'AnnualCrop', 'Forest', 'HerbaceousVegetation', 'Highway',
        'Industrial', 'Pasture', 'PermanentCrop', 'Residential', 'River',
        'SeaLake'))
