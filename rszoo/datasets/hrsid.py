"""HRSID: High-Resolution SAR Images Dataset for ship detection (COCO json).

S. Wei, X. Zeng, Q. Qu, M. Wang, H. Su, J. Shi, "HRSID: A High-Resolution SAR
Images Dataset for Ship Detection and Instance Segmentation", IEEE Access 2020;
data: github.com/chaozhong2010/HRSID (GPL-3.0). 5,604 SAR chips of 800 x 800
(Sentinel-1B, TerraSAR-X, TanDEM-X), 16,951 ships, one class ``ship``. The
``HRSID_JPG`` release's layout (the defaults)::

    <data_root>/JPEGImages/P0001_0_800_7200_8000.jpg ...
    <data_root>/annotations/train2017.json   (3,642 chips)
    <data_root>/annotations/test2017.json    (1,962 chips)

The mini-set ``shared/data/hrsid-mini`` (36 chips of ``train2017``, 69 boxes
derived from masks, see its README) has ``images/`` and ``boxes_from_masks.json``:
``HRSID(data_root=..., ann_file='boxes_from_masks.json', data_prefix=dict(img='images'))``.
Images are 8-bit JPEGs with the SAR amplitude in all three channels.
"""
from rszoo.registry import DATASETS
from .coco_detection import CocoDetectionDataset


@DATASETS.register_module()
class HRSID(CocoDetectionDataset):
    """HRSID in its COCO layout (module docstring); arguments as
    :class:`~rszoo.datasets.CocoDetectionDataset`."""

    METAINFO = dict(classes=('ship', ))
    DOWNLOAD_HINT = ('Download HRSID_JPG (github.com/chaozhong2010/HRSID) and set data_root to '
                     'the folder holding JPEGImages/ and annotations/, or use the mini-set '
                     '(ann_file="boxes_from_masks.json", data_prefix=dict(img="images")).')

    def __init__(self,
                 data_root: str,
                 ann_file: str = 'annotations/train2017.json',
                 data_prefix: dict = dict(img='JPEGImages'),
                 **kwargs):
        super().__init__(data_root=data_root, ann_file=ann_file, data_prefix=data_prefix,
                         **kwargs)
