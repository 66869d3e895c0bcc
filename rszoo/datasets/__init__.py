"""rszoo's datasets (registered in ``rszoo.registry.DATASETS``) and data
transforms (``rszoo.datasets.transforms``, in ``TRANSFORMS``)."""
from .aid import AID
from .eurosat import EuroSAT_RGB
from .nwpu_resisc45 import NWPU_RESISC45
from .patternnet import PatternNet
from .rsscn7 import RSSCN7
from .scene_classification import (IMG_EXTENSIONS, RSSceneDataset,
                                   list_image_files, read_split_file,
                                   resolve_path, scan_class_folders)
from .splits import (PROTOCOLS, make_splits, make_stratified_split,
                     split_prefix, write_split_files)
from .transforms import LoadRSImage
from .ucmerced import UCMerced
from .whu_rs19 import WHU_RS19
from .samplers import EpisodicClassSampler
from .zeroshot import ClassSplit, ZSLFeatureDataset, split_seen_images

__all__ = [
    'RSSceneDataset', 'AID', 'UCMerced', 'NWPU_RESISC45', 'RSSCN7',
    'WHU_RS19', 'PatternNet', 'EuroSAT_RGB', 'LoadRSImage', 'IMG_EXTENSIONS',
    'list_image_files', 'read_split_file', 'resolve_path',
    'scan_class_folders', 'PROTOCOLS', 'make_splits', 'make_stratified_split',
    'split_prefix', 'write_split_files', 'ClassSplit', 'split_seen_images'
]
from .samplers import SceneGroupedSampler  # noqa: E402
from .selfsup import SCENE_SOURCES, SceneTileDataset, build_scene_ids  # noqa: E402

__all__ += ['SceneTileDataset', 'SceneGroupedSampler', 'SCENE_SOURCES', 'build_scene_ids']
from .hyperspectral_anomaly import HyperspectralAnomalyDataset, load_had_mat  # noqa: E402

__all__ += ['HyperspectralAnomalyDataset', 'load_had_mat']
from .eurosat_ms import EuroSAT_MS  # noqa: E402
from .band_stats import compute_band_stats, dataset_band_stats  # noqa: E402
from .transforms import LoadBandFiles  # noqa: E402

__all__ += ['EuroSAT_MS', 'LoadBandFiles', 'compute_band_stats', 'dataset_band_stats']
from .multimodal import (GridMismatchError, Houston2013, MDLRSHouston2013Vectors,  # noqa: E402
                         MultimodalPatchDataset, MUUFL, Trento)

__all__ += ['MultimodalPatchDataset', 'GridMismatchError', 'Houston2013', 'Trento', 'MUUFL',
            'MDLRSHouston2013Vectors']
from .cloud_segmentation import Cloud38Dataset, split_tiles  # noqa: E402
from .fyh import FYH_CLASSES, FYHDataset  # noqa: E402

__all__ += ['Cloud38Dataset', 'split_tiles', 'FYHDataset', 'FYH_CLASSES']
from .coco_detection import CocoDetectionDataset  # noqa: E402
from .hrsid import HRSID  # noqa: E402
from .ssdd import SSDD  # noqa: E402

__all__ += ['CocoDetectionDataset', 'HRSID', 'SSDD']
