"""``EpisodicClassSampler``: ``ways`` classes x ``shots`` samples per episode, seeded."""
import numpy as np
import pytest

from rszoo.datasets.zeroshot import ZSLFeatureDataset
from rszoo.datasets.samplers import EpisodicClassSampler


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_episodic_sampler(zsl_files):
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    sampler = EpisodicClassSampler(train, ways=3, shots=5, seed=1)
    indices = list(sampler)
    assert len(indices) == len(sampler) == (64 // 15) * 15
    for start in range(0, len(indices), 15):
        labels = train.labels[indices[start:start + 15]]
        counts = np.bincount(labels, minlength=6)
        assert sorted(counts[counts > 0].tolist()) == [5, 5, 5]
    assert indices == list(EpisodicClassSampler(train, ways=3, shots=5, seed=1))
    sampler.set_epoch(1)
    assert list(sampler) != indices
    with pytest.raises(ValueError, match='only 4 classes'):
        EpisodicClassSampler(train, ways=5, shots=2)
