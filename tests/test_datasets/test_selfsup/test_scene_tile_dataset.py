"""``SceneTileDataset``: tiles of a scene data set, each packed with its scene id."""
import numpy as np
import pytest
import torch

from rszoo.datasets import SceneTileDataset
from rszoo.registry import DATASETS

from helpers.swimdiff import write_folder_dataset

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_scene_tile_dataset_tiles_and_packs_the_scene_id(tmp_path):
    arrays = write_folder_dataset(tmp_path)
    dataset = DATASETS.build(dict(
        type='SceneTileDataset',
        dataset=dict(type='RSSceneDataset', data_root=str(tmp_path),
                     pipeline=[dict(type='LoadRSImage')]),
        tile_grid=(2, 2), tile_size=12,
        pipeline=[dict(type='PackInputs', algorithm_keys=('scene_id', ),
                       meta_keys=('sample_idx', 'tile_index', 'source_index'))]))
    assert isinstance(dataset, SceneTileDataset)
    assert len(dataset) == 12 and dataset.num_scenes == 3
    assert dataset.get_scene_ids().tolist() == [0] * 4 + [1] * 4 + [2] * 4
    # 20 x 30 image, 12-px tiles on a 2 x 2 grid: rows start at 0 and 8, columns at 0 and 18
    assert [dataset.tile_box(t, 20, 30) for t in range(4)] == [
        (0, 0, 12, 12), (18, 0, 30, 12), (0, 8, 12, 20), (18, 8, 30, 20)]
    out = dataset[5]  # image 1, tile 1 (top right)
    bgr = arrays[1][:, :, ::-1]  # LoadRSImage gives mmcv's BGR order
    expected = torch.from_numpy(np.ascontiguousarray(bgr[0:12, 18:30])).permute(2, 0, 1)
    assert torch.equal(out['inputs'], expected)
    sample = out['data_samples']
    assert sample.scene_id == 1 and sample.tile_index == 1 and sample.source_index == 1
    assert sample.sample_idx == 5
    info = dataset.get_data_info(11)
    assert info['scene_id'] == 2 and info['tile_index'] == 3 and 'img' not in info
    with pytest.raises(ValueError, match='needs a tile_size'):
        SceneTileDataset(dataset=dataset.dataset, tile_grid=(2, 2))
    with pytest.raises(ValueError, match='scene_source must be one of'):
        SceneTileDataset(dataset=dataset.dataset, scene_source='gps')
