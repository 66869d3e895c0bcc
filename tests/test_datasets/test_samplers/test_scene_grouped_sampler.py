"""``SceneGroupedSampler``: the tiles of a scene stay together, per epoch and per rank."""
import pytest

from rszoo.datasets import SceneTileDataset
from rszoo.datasets.samplers import SceneGroupedSampler
from rszoo.registry import DATA_SAMPLERS

from helpers.swimdiff import write_folder_dataset

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_scene_grouped_sampler_keeps_scenes_together(tmp_path):
    write_folder_dataset(tmp_path)
    dataset = SceneTileDataset(
        dataset=dict(type='RSSceneDataset', data_root=str(tmp_path),
                     pipeline=[dict(type='LoadRSImage')]),
        tile_grid=(2, 2), tile_size=12)
    sampler = DATA_SAMPLERS.build(dict(type='SceneGroupedSampler', dataset=dataset, seed=3))
    assert isinstance(sampler, SceneGroupedSampler)
    scenes = dataset.get_scene_ids()
    orders = []
    for epoch in range(4):
        sampler.set_epoch(epoch)
        order = list(sampler)
        assert len(order) == len(sampler) == 12 and sorted(order) == list(range(12))
        blocks = [set(scenes[order[b:b + 4]].tolist()) for b in range(0, 12, 4)]
        assert all(len(block) == 1 for block in blocks)  # every block of 4 is one scene
        orders.append(order)
    assert len({tuple(o) for o in orders}) > 1  # reshuffled across epochs
    sampler.set_epoch(2)
    assert list(sampler) == orders[2]  # a function of (seed, epoch): exact resume
    capped = SceneGroupedSampler(dataset, max_per_scene=2, seed=0)
    assert len(capped) == 6 and len(set(scenes[list(capped)].tolist())) == 3
    # two ranks: disjoint scenes, equal lengths
    halves = []
    for rank in (0, 1):
        part = SceneGroupedSampler(dataset, seed=0)
        part.rank, part.world_size, part.num_samples = rank, 2, 6
        halves.append(list(part))
    assert len(halves[0]) == len(halves[1]) == 6
    assert not set(scenes[halves[0][:4]]) & set(scenes[halves[1][:4]])
    with pytest.raises(TypeError, match='no get_scene_ids'):
        SceneGroupedSampler(dataset.dataset)
