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
from .scene_ids import SCENE_SOURCES, build_scene_ids  # noqa: E402
from .scene_tile_dataset import SceneTileDataset  # noqa: E402

__all__ += ['SceneTileDataset', 'SceneGroupedSampler', 'SCENE_SOURCES', 'build_scene_ids']
