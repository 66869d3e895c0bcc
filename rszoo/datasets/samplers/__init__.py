"""Data samplers, registered in ``rszoo.registry.DATA_SAMPLERS``."""
from .episodic_sampler import EpisodicClassSampler

__all__ = ['EpisodicClassSampler']
from .scene_grouped_sampler import SceneGroupedSampler  # noqa: E402

__all__ += ['SceneGroupedSampler']
