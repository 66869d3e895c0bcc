"""Episodic (N-way, K-shot) batches: each batch holds ``ways`` classes with
``shots`` samples each, the batches MCFA trains on (its code: 5 ways x 5 shots),
so every batch has positives for the supervised and cross-modal contrastive terms.
"""
import math
from typing import Iterator, Optional

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from rszoo.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class EpisodicClassSampler(Sampler):
    """Yield episodes of ``ways * shots`` indices; the dataloader's
    ``batch_size`` must be ``ways * shots`` (checked by :meth:`check_batch_size`
    in the classes that use it; a config sets both from the same numbers).

    Args:
        dataset: a data set with ``get_gt_labels()`` (N,) or ``labels``.
        ways (int): classes per episode (at most the number of classes).
        shots (int): samples per class; drawn without replacement when the
            class has enough, else with replacement.
        episodes_per_epoch (int, optional): defaults to ``len(dataset) //
            (ways * shots)`` (about one pass over the data).
        seed (int, optional): the episodes are a function of ``seed`` and the
            epoch (``set_epoch``), identical on every rank; rank ``r`` takes
            episodes ``r, r + world, ...``.
    """

    def __init__(self, dataset, ways: int = 5, shots: int = 5,
                 episodes_per_epoch: Optional[int] = None, seed: Optional[int] = None):
        labels = (dataset.get_gt_labels() if hasattr(dataset, 'get_gt_labels')
                  else getattr(dataset, 'labels', None))
        if labels is None:
            raise TypeError('EpisodicClassSampler: the data set has neither get_gt_labels() '
                            'nor labels')
        labels = np.asarray(labels)
        self.classes = np.unique(labels)
        if ways < 1 or shots < 1:
            raise ValueError(f'EpisodicClassSampler: ways={ways} and shots={shots} must be >= 1')
        if ways > len(self.classes):
            raise ValueError(f'EpisodicClassSampler: ways={ways} but the data set has only '
                             f'{len(self.classes)} classes')
        self.by_class = {int(c): np.flatnonzero(labels == c) for c in self.classes}
        self.ways, self.shots = ways, shots
        self.rank, self.world_size = get_dist_info()
        total = episodes_per_epoch or max(1, len(labels) // (ways * shots))
        self.episodes = int(math.ceil(total / self.world_size))
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0

    @property
    def batch_size(self) -> int:
        return self.ways * self.shots

    def __iter__(self) -> Iterator[int]:
        rng = np.random.default_rng([self.seed, self.epoch])
        for episode in range(self.episodes * self.world_size):
            chosen = rng.choice(self.classes, size=self.ways, replace=False)
            picks = []
            for c in chosen:
                pool = self.by_class[int(c)]
                picks.append(rng.choice(pool, size=self.shots, replace=len(pool) < self.shots))
            if episode % self.world_size == self.rank:
                yield from (int(i) for i in np.concatenate(picks))

    def __len__(self) -> int:
        return self.episodes * self.batch_size

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
