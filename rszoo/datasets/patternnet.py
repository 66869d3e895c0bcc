"""PatternNet (Zhou et al., 2018)."""
from rszoo.registry import DATASETS
from .scene_classification import RSSceneDataset


@DATASETS.register_module()
class PatternNet(RSSceneDataset):
    """PatternNet: 30,400 Google Earth / Google Maps scenes of 38 classes,
    800 per class, 256x256 px RGB JPEGs, 0.06-4.7 m.

    W. Zhou, S. Newsam, C. Li, Z. Shao, "PatternNet: A benchmark dataset for
    performance evaluation of remote sensing image retrieval", ISPRS JPRS
    145, 2018.

    ``data_root`` is ``PatternNet/images`` of the release
    (``<data_root>/airplane/<image>.jpg``, ...). Folder names and order
    as in the release, confirmed with torchgeo's ``PatternNet`` docstring
    (``microsoft/torchgeo``: ``torchgeo/datasets/patternnet.py``, classes
    0..37 in this order).
    """

    METAINFO = dict(classes=(
        'airplane', 'baseball_field', 'basketball_court', 'beach', 'bridge',
        'cemetery', 'chaparral', 'christmas_tree_farm', 'closed_road',
        'coastal_mansion', 'crosswalk', 'dense_residential', 'ferry_terminal',
        'football_field', 'forest', 'freeway', 'golf_course', 'harbor',
        'intersection', 'mobile_home_park', 'nursing_home', 'oil_gas_field',
        'oil_well', 'overpass', 'parking_lot', 'parking_space', 'railway',
        'river', 'runway', 'runway_marking', 'shipping_yard', 'solar_panel',
        'sparse_residential', 'storage_tank', 'swimming_pool', 'tennis_court',
        'transformer_station', 'wastewater_treatment_plant'))
