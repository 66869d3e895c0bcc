"""NWPU-RESISC45 (Cheng, Han & Lu, 2017)."""
from rszoo.registry import DATASETS
from .scene_classification import RSSceneDataset


@DATASETS.register_module()
class NWPURESISC45(RSSceneDataset):
    """NWPU-RESISC45: 31,500 Google Earth scenes of 45 classes, 700 per
    class, 256x256 px RGB JPEGs, 0.2-30 m.

    G. Cheng, J. Han, X. Lu, "Remote Sensing Image Scene Classification:
    Benchmark and State of the Art", Proceedings of the IEEE 105(10), 2017.

    ``data_root`` is the ``NWPU-RESISC45`` folder of the release
    (``<data_root>/airplane/<image>.jpg``, ...). Folder names as in
    the release (lower case, words joined by ``_``), confirmed with the
    label table of ``ngocquanai/ICCV2025`` (``FewShot/taxonomy/resisc45.py``,
    same order) and torchgeo's ``RESISC45``.

    Protocols in the literature: 10%/90% and 20%/80% train/test per class.
    """

    METAINFO = dict(classes=(
        'airplane', 'airport', 'baseball_diamond', 'basketball_court',
        'beach', 'bridge', 'chaparral', 'church', 'circular_farmland',
        'cloud', 'commercial_area', 'dense_residential', 'desert', 'forest',
        'freeway', 'golf_course', 'ground_track_field', 'harbor',
        'industrial_area', 'intersection', 'island', 'lake', 'meadow',
        'medium_residential', 'mobile_home_park', 'mountain', 'overpass',
        'palace', 'parking_lot', 'railway', 'railway_station',
        'rectangular_farmland', 'river', 'roundabout', 'runway', 'sea_ice',
        'ship', 'snowberg', 'sparse_residential', 'stadium', 'storage_tank',
        'tennis_court', 'terrace', 'thermal_power_station', 'wetland'))
