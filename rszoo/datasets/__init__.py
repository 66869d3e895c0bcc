"""rszoo's datasets (registered in ``rszoo.registry.DATASETS``) and data
transforms (``rszoo.datasets.transforms``, in ``TRANSFORMS``)."""
from .aid import AID
from .band_stats import compute_band_stats, dataset_band_stats
from .cloud_segmentation import Cloud38, split_tiles
from .coco_detection import CocoDetectionDataset
from .coreset_dataset import CoresetDataset
from .eurosat import EuroSATRGB
from .eurosat_ms import EuroSATMS
from .fyh import FYH_CLASSES, FYH
from .hrsid import HRSID
from .hyperspectral_anomaly import HyperspectralAnomalyDataset, load_had_mat
from .multimodal import (
    GridMismatchError,
    Houston2013,
    MDLRSHouston2013Vectors,
    MultimodalPatchDataset,
    MUUFL,
    Trento,
)
from .nwpu_resisc45 import NWPURESISC45
from .patternnet import PatternNet
from .rsscn7 import RSSCN7
from .samplers import EpisodicClassSampler, SceneGroupedSampler
from .scene_classification import (
    IMG_EXTENSIONS,
    list_image_files,
    read_split_file,
    RSSceneDataset,
    scan_class_folders,
)
from .selfsup import build_scene_ids, SCENE_SOURCES, SceneTileDataset
from .splits import make_splits, make_stratified_split, PROTOCOLS, split_prefix, write_split_files
from .ssdd import SSDD
from .transforms import LoadBandFiles, LoadRSImage
from .ucmerced import UCMerced
from .whu_rs19 import WHURS19
from .zeroshot import ClassSplit, split_seen_images, ZSLFeatureDataset

__all__ = [
    'AID', 'build_scene_ids', 'ClassSplit', 'Cloud38', 'CocoDetectionDataset',
    'compute_band_stats', 'CoresetDataset', 'dataset_band_stats',
    'EpisodicClassSampler', 'EuroSATMS',
    'EuroSATRGB', 'FYH_CLASSES', 'FYH', 'GridMismatchError', 'Houston2013', 'HRSID',
    'HyperspectralAnomalyDataset', 'IMG_EXTENSIONS', 'list_image_files', 'load_had_mat',
    'LoadBandFiles', 'LoadRSImage', 'make_splits', 'make_stratified_split',
    'MDLRSHouston2013Vectors', 'MultimodalPatchDataset', 'MUUFL', 'NWPURESISC45',
    'PatternNet', 'PROTOCOLS', 'read_split_file', 'RSSceneDataset', 'RSSCN7',
    'scan_class_folders', 'SCENE_SOURCES', 'SceneGroupedSampler', 'SceneTileDataset',
    'split_prefix', 'split_seen_images', 'split_tiles', 'SSDD', 'Trento', 'UCMerced',
    'WHURS19', 'write_split_files', 'ZSLFeatureDataset'
]
