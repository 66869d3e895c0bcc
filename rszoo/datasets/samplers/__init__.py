"""Data samplers, registered in ``rszoo.registry.DATA_SAMPLERS``."""
from .episodic_sampler import EpisodicClassSampler
from .scene_grouped_sampler import SceneGroupedSampler

__all__ = [
    'EpisodicClassSampler', 'SceneGroupedSampler'
]
