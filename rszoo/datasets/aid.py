"""AID, the Aerial Image Dataset (Xia et al., 2017)."""
from rszoo.registry import DATASETS
from .scene_classification import RSSceneDataset


@DATASETS.register_module()
class AID(RSSceneDataset):
    """AID: 10,000 Google Earth scenes of 30 classes, 600x600 px RGB JPEGs.

    G.-S. Xia, J. Hu, F. Hu, B. Shi, X. Bai, Y. Zhong, L. Zhang, X. Lu,
    "AID: A Benchmark Data Set for Performance Evaluation of Aerial Scene
    Classification", IEEE TGRS 55(7), 2017.

    ``data_root`` is the folder that holds the 30 class folders
    (``<data_root>/Airport/airport_1.jpg``, ...). The folder names are those
    of the released ``AID`` archive (checked against
    ``shared/data/aid-150px``, a byte copy of the ``AID/`` folder of GitHub
    ``zlima/testtensor`` at commit f6a0f74, 150 px re-encodes), sorted;
    labels are positions in this list (0 = Airport, 29 = Viaduct).

    AID has no official split; papers use random per-class 20%/80% and
    50%/50% train/test splits (``splits/aid/``).
    """

    METAINFO = dict(classes=(
        'Airport', 'BareLand', 'BaseballField', 'Beach', 'Bridge', 'Center',
        'Church', 'Commercial', 'DenseResidential', 'Desert', 'Farmland',
        'Forest', 'Industrial', 'Meadow', 'MediumResidential', 'Mountain',
        'Park', 'Parking', 'Playground', 'Pond', 'Port', 'RailwayStation',
        'Resort', 'River', 'School', 'SparseResidential', 'Square', 'Stadium',
        'StorageTanks', 'Viaduct'))
