"""Scene-grouped sampling: the samples of one scene are consecutive, so a batch
holds whole scenes and SwiMDiff's scene-wide matching has same-scene pairs to
act on within the batch.

SwiMDiff (Tian et al., arXiv 2401.05093, IEEE TGRS 62, 2024) recalibrates
contrastive labels for samples of the same scene. With uniform random
sampling from many scenes, two tiles of one scene rarely meet in a batch or in
the queue; this sampler makes them meet: each epoch it shuffles the order of
the scenes (and the samples within each scene) and yields scene after scene.
With ``batch_size`` a multiple of the tiles per scene (e.g. 64 = 16 scenes x 4
tiles), every batch holds ``batch_size / tiles`` complete scenes.

Per epoch: ``rng = default_rng([seed, epoch])``; scene order
``rng.permutation(S)``; within scene ``rng.permutation(members)``, cut to
``max_per_scene``. Distributed: the scene order is the same on every rank,
rank ``r`` takes scenes ``r, r + world, ...`` and every rank yields exactly
``len(self)`` indices (its list repeated or cut to length).
"""
import math
from typing import Iterator, Optional

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from rszoo.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class SceneGroupedSampler(Sampler):
    """Yield the samples of each scene together, scenes in random order.

    Args:
        dataset: a data set with ``get_scene_ids()`` returning the ``(len,)``
            scene id of every sample (``SceneTileDataset``).
        shuffle (bool): shuffle scenes and samples within a scene each epoch.
            Defaults to True.
        max_per_scene (int, optional): at most this many samples of a scene
            per epoch. Defaults to all.
        seed (int, optional): defaults to a seed synchronised across ranks.
    """

    def __init__(self, dataset, shuffle: bool = True, max_per_scene: Optional[int] = None,
                 seed: Optional[int] = None):
        if not hasattr(dataset, 'get_scene_ids'):
            raise TypeError(f'SceneGroupedSampler: the data set {type(dataset).__name__} has '
                            'no get_scene_ids(); wrap it in SceneTileDataset')
        if max_per_scene is not None and max_per_scene < 1:
            raise ValueError(f'SceneGroupedSampler: max_per_scene must be >= 1, '
                             f'got {max_per_scene}')
        scene_ids = np.asarray(dataset.get_scene_ids())
        if scene_ids.shape != (len(dataset), ):
            raise ValueError(f'SceneGroupedSampler: get_scene_ids() returned shape '
                             f'{scene_ids.shape}, expected ({len(dataset)},)')
        order = np.argsort(scene_ids, kind='stable')
        _, starts = np.unique(scene_ids[order], return_index=True)
        self.groups = np.split(order, starts[1:]) if len(order) else []
        self.shuffle = shuffle
        self.max_per_scene = max_per_scene
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        total = sum(min(len(g), max_per_scene or len(g)) for g in self.groups)
        self.num_samples = int(math.ceil(total / self.world_size))

    def _epoch_indices(self) -> np.ndarray:
        rng = np.random.default_rng([self.seed, self.epoch])
        scenes = rng.permutation(len(self.groups)) if self.shuffle else np.arange(
            len(self.groups))
        mine = scenes[self.rank::self.world_size]
        parts = []
        for s in mine:
            members = self.groups[s]
            if self.shuffle:
                members = rng.permutation(members)
            parts.append(members[:self.max_per_scene])
        indices = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        if len(indices) == 0:
            return indices
        if len(indices) < self.num_samples:  # pad by repeating, keeping scenes together
            reps = int(math.ceil(self.num_samples / len(indices)))
            indices = np.tile(indices, reps)
        return indices[:self.num_samples]

    def __iter__(self) -> Iterator[int]:
        return iter(int(i) for i in self._epoch_indices())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
