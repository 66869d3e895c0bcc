"""SSDD: the SAR Ship Detection Dataset, official release, COCO layout.

J. Li, C. Qu, J. Shao, "Ship detection in SAR images based on an improved
faster R-CNN", BIGSARDATA 2017; official release: T. Zhang et al., "SAR Ship
Detection Dataset (SSDD): Official Release and Comprehensive Data Analysis",
Remote Sensing 13(18), 2021 (github.com/TianwenZhang0825/Official-SSDD). 1,160
chips (RadarSat-2, TerraSAR-X, Sentinel-1; about 500 x 350 px), 2,456 ships,
one class ``ship``; the official split tests on the chips whose file number ends
in 1 or 9 (232 test / 928 train).

Defaults follow the release's ``coco_style`` folder as we read it::

    <data_root>/images/train/*.jpg, <data_root>/images/test/*.jpg
    <data_root>/annotations/train.json, <data_root>/annotations/test.json

Not verified against the real files here (SSDD is not available offline):
override ``ann_file`` / ``data_prefix`` if your copy differs. The VOC-xml copy
(``voc_style``) is not read; convert it to COCO first.
"""
from rszoo.registry import DATASETS
from .coco_detection import CocoDetectionDataset


@DATASETS.register_module()
class SSDD(CocoDetectionDataset):
    """SSDD in its COCO layout (module docstring); arguments as
    :class:`~rszoo.datasets.CocoDetectionDataset`."""

    METAINFO = dict(classes=('ship', ))
    DOWNLOAD_HINT = ('Download the official SSDD release (github.com/TianwenZhang0825/'
                     'Official-SSDD), take its coco_style folder as data_root, and set '
                     'ann_file / data_prefix to its annotations/*.json and images/<split>/.')

    def __init__(self,
                 data_root: str,
                 ann_file: str = 'annotations/train.json',
                 data_prefix: dict = dict(img='images/train'),
                 **kwargs):
        super().__init__(data_root=data_root, ann_file=ann_file, data_prefix=data_prefix,
                         **kwargs)
