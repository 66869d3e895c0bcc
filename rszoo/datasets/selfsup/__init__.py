"""Data for self-supervised pre-training: scene ids per source image and the
data set of tiles that carries them (SwiMDiff's scene-wide matching)."""
from .scene_ids import SCENE_SOURCES, build_scene_ids
from .scene_tile_dataset import SceneTileDataset

__all__ = ['SCENE_SOURCES', 'SceneTileDataset', 'build_scene_ids']
