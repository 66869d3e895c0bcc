"""Cloud38 on the real 38-Cloud patch (``../shared/data/38cloud-patch``):
tiles, the seeded tile split, masks that move with the image. Skips without the data."""
import os
import shutil

import numpy as np
import pytest

from rszoo.utils import register_all_modules

register_all_modules()

from rszoo.datasets import Cloud38, split_tiles  # noqa: E402

PATCH = 'patch_192_10_by_12_LC08_L1TP_002053_20160520_20170324_01_T1'
CLOUD_PIXELS = 45_333  # README: gt 255 = cloud, 45,333 px of 384 x 384
PIPELINE = [dict(type='LoadBandFiles', expected_bands=4),
            dict(type='LoadSegAnnotation', label_map={255: 1}),
            dict(type='CropTile')]


def tile_ids(ds):
    return [ds.get_data_info(i)['tile_id'] for i in range(len(ds))]


def tiles(root, **kwargs):
    return Cloud38(data_root=str(root), band_dirs='flat', tile_size=96,
                          pipeline=PIPELINE, **kwargs)


def test_whole_patch_four_bands_and_binary_mask(cloud_root):
    ds = Cloud38(data_root=str(cloud_root), band_dirs='flat', pipeline=PIPELINE)
    assert len(ds) == 1 and ds.metainfo['classes'] == ('clear', 'cloud')
    item = ds[0]
    assert item['img'].shape == (384, 384, 4) and item['img'].dtype == np.uint16
    assert item['img'][..., 0].min() == 6442 and item['img'][..., 3].max() == 59019  # red, nir
    assert item['gt_seg_map'].dtype == np.uint8 and set(np.unique(item['gt_seg_map'])) == {0, 1}
    assert int(item['gt_seg_map'].sum()) == CLOUD_PIXELS


def test_sixteen_tiles_cover_the_patch(cloud_root):
    ds = tiles(cloud_root)
    assert len(ds) == 16
    whole = Cloud38(data_root=str(cloud_root), band_dirs='flat', pipeline=PIPELINE)[0]
    cloud = 0
    for i in range(16):
        item = ds[i]
        r, c, h, w = item['window']
        assert item['img'].shape == (96, 96, 4) and item['img_shape'] == (96, 96)
        assert np.array_equal(item['img'], whole['img'][r:r + h, c:c + w])
        assert np.array_equal(item['gt_seg_map'], whole['gt_seg_map'][r:r + h, c:c + w])
        cloud += int(item['gt_seg_map'].sum())
    assert cloud == CLOUD_PIXELS


def test_seeded_tile_split_is_disjoint_and_complete(cloud_root):
    ids = {s: tile_ids(tiles(cloud_root, tile_split=s)) for s in ('train', 'val', 'test')}
    assert [len(ids[s]) for s in ('train', 'val', 'test')] == [10, 3, 3]
    assert not set(ids['val']) & set(ids['test']) and not set(ids['train']) & set(ids['val'])
    assert len(set(ids['train']) | set(ids['val']) | set(ids['test'])) == 16
    again = tile_ids(tiles(cloud_root, tile_split='val'))
    other = tile_ids(tiles(cloud_root, tile_split='val', split_seed=1))
    assert again == ids['val'] and other != ids['val']
    assert split_tiles(16, (0.625, 0.1875, 0.1875), 0)['val'] == [
        int(t.rsplit(':', 1)[1].split('_')[0]) * 4 + int(t.rsplit('_', 1)[1])
        for t in ids['val']]


def test_flip_moves_the_mask_with_the_image(cloud_root):
    ds = tiles(cloud_root)
    plain = ds[5]
    flipped = Cloud38(
        data_root=str(cloud_root), band_dirs='flat', tile_size=96,
        pipeline=PIPELINE + [dict(type='RandomFlip', prob=1.0, direction='horizontal'),
                             dict(type='PackSegInputs')])[5]
    assert np.array_equal(flipped['inputs'].numpy().transpose(1, 2, 0),
                          plain['img'][:, ::-1].astype(np.float32))
    assert np.array_equal(flipped['data_samples'].gt_sem_seg.data[0].numpy(),
                          plain['gt_seg_map'][:, ::-1])


def test_38cloud_folder_layout(cloud_root, tmp_path):
    """The layout 38-Cloud ships: train_<band>/<band>_<id>.TIF."""
    for band in ('red', 'green', 'blue', 'nir', 'gt'):
        os.makedirs(tmp_path / f'train_{band}')
        os.symlink(cloud_root / f'{band}_{PATCH}.TIF', tmp_path / f'train_{band}' /
                   f'{band}_{PATCH}.TIF')
    ds = Cloud38(data_root=str(tmp_path), pipeline=PIPELINE)
    assert ds.get_data_info(0)['patch_id'] == PATCH
    assert ds[0]['img'].shape == (384, 384, 4)
    (tmp_path / 'list.csv').write_text(f'name\nred_{PATCH}\n')
    assert len(Cloud38(data_root=str(tmp_path), patch_list=str(tmp_path / 'list.csv'))) == 1
    shutil.rmtree(tmp_path / 'train_gt')
    with pytest.raises(FileNotFoundError, match='no gt file for patch'):
        Cloud38(data_root=str(tmp_path))


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='train_red not found'):
        Cloud38(data_root=str(tmp_path))
    with pytest.raises(ValueError, match='tile_split needs tile_size'):
        Cloud38(data_root=str(tmp_path), tile_split='val')
    with pytest.raises(ValueError, match='summing to 1'):
        split_tiles(16, (0.5, 0.2, 0.2), 0)
