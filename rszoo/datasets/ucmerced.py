"""UC Merced Land Use dataset (Yang & Newsam, 2010)."""
from rszoo.registry import DATASETS
from .scene_classification import RSSceneDataset


@DATASETS.register_module()
class UCMerced(RSSceneDataset):
    """UC Merced Land Use: 2,100 USGS aerial scenes of 21 classes, 100 per
    class, 256x256 px (44 images differ slightly) RGB TIFFs, 0.3 m.

    Y. Yang, S. Newsam, "Bag-Of-Visual-Words and Spatial Extensions for
    Land-Use Classification", ACM SIGSPATIAL GIS, 2010.

    ``data_root`` is ``UCMerced_LandUse/Images`` of the released zip
    (``<data_root>/agricultural/agricultural00.tif``, ...). Folder names as
    in the release, confirmed with torchgeo's test fixture
    (``microsoft/torchgeo``: ``tests/data/ucmerced/UCMerced_LandUse/Images/``)
    and the split lists of ``ymhzyj/Remote-Sensing-Image-Scene-Classification-
    with-Noisy-Label-Distillation-NLD`` (``data/UCMerced_LandUse/Split/``,
    whose labels 0..20 follow this order).

    Protocols in the literature: 80%/20% and 50%/50% train/test per class.
    """

    METAINFO = dict(classes=(
        'agricultural', 'airplane', 'baseballdiamond', 'beach', 'buildings',
        'chaparral', 'denseresidential', 'forest', 'freeway', 'golfcourse',
        'harbor', 'intersection', 'mediumresidential', 'mobilehomepark',
        'overpass', 'parkinglot', 'river', 'runway', 'sparseresidential',
        'storagetanks', 'tenniscourt'))
