"""HRSID / SSDD / CocoDetectionDataset: the real HRSID mini-set (36 chips, 69
boxes) and its seeded 24/12 split, and the SSDD COCO layout on a tiny json."""
import json

import pytest
import torch

from conftest import shared_data_root
from rszoo.datasets import HRSID, SSDD, CocoDetectionDataset
from rszoo.structures import DetDataSample
from rszoo.utils import register_all_modules

register_all_modules()
SPLITS = 'splits/hrsid-mini/24-12_seed0_{}.txt'


@pytest.fixture(scope='module')
def hrsid_mini():
    root = shared_data_root() / 'hrsid-mini'
    if not (root / 'boxes_from_masks.json').is_file():
        pytest.skip(f'HRSID mini-set not found at {root} (set RSZOO_DATA_ROOT to the folder '
                    'holding hrsid-mini/, normally ../shared/data)')
    return root


def _mini(root, **kwargs):
    return HRSID(data_root=str(root), ann_file='boxes_from_masks.json',
                 data_prefix=dict(img='images'), **kwargs)


def test_mini_set_counts(hrsid_mini):
    ds = _mini(hrsid_mini)
    assert len(ds) == 36
    assert sum(len(ds.get_data_info(i)['instances']) for i in range(len(ds))) == 69
    assert ds.metainfo['classes'] == ('ship', )
    info = ds.get_data_info(0)
    assert info['img_path'].startswith(str(hrsid_mini / 'images'))
    # first annotation of the json: bbox [592, 304, 23, 26] -> corners
    assert info['img_id'] == 1 and info['instances'][0]['bbox'] == [592, 304, 615, 330]
    assert info['instances'][0]['bbox_label'] == 0


def test_seeded_split_is_disjoint_and_complete(hrsid_mini):
    parts = {p: _mini(hrsid_mini, split_file=SPLITS.format(p))
             for p in ('train', 'val', 'trainval', 'test')}
    ids = {p: {ds.get_data_info(i)['img_id'] for i in range(len(ds))} for p, ds in parts.items()}
    assert [len(ids[p]) for p in ('train', 'val', 'trainval', 'test')] == [20, 4, 24, 12]
    assert ids['train'] | ids['val'] == ids['trainval']
    assert not ids['train'] & ids['val'] and not ids['trainval'] & ids['test']
    assert len(ids['trainval'] | ids['test']) == 36


def test_mini_pipeline_packs_boxes(hrsid_mini):
    pipeline = [dict(type='LoadRSImage'), dict(type='LoadDetAnnotations'),
                dict(type='Resize', scale=(400, 400), keep_ratio=True),
                dict(type='PackDetInputs')]
    ds = _mini(hrsid_mini, split_file=SPLITS.format('test'), pipeline=pipeline)
    out = ds[0]
    sample = out['data_samples']
    assert isinstance(sample, DetDataSample)
    assert out['inputs'].shape == (3, 400, 400) and out['inputs'].dtype == torch.uint8
    raw = torch.tensor([i['bbox'] for i in ds.get_data_info(0)['instances']])
    assert torch.allclose(sample.gt_instances.bboxes, raw * 0.5)
    assert sample.scale_factor == (0.5, 0.5) and sample.ori_shape == (800, 800)


def _tiny_coco(path, names=('0001.jpg', '0002.jpg'), with_empty=True):
    ann = dict(
        images=[dict(id=i + 1, file_name=n, width=500, height=350) for i, n in enumerate(names)],
        annotations=[dict(id=1, image_id=1, category_id=1, bbox=[10, 20, 30, 40], area=1200,
                          iscrowd=0),
                     dict(id=2, image_id=1, category_id=1, bbox=[0, 0, 0.5, 4], area=2,
                          iscrowd=0),
                     dict(id=3, image_id=1, category_id=1, bbox=[100, 100, 5, 5], area=25,
                          iscrowd=1)],
        categories=[dict(id=1, name='ship')])
    if not with_empty:
        ann['images'] = ann['images'][:1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ann))


def test_ssdd_layout_crowd_and_filters(tmp_path):
    _tiny_coco(tmp_path / 'annotations' / 'train.json')
    ds = SSDD(data_root=str(tmp_path))
    assert len(ds) == 2 and ds.metainfo['classes'] == ('ship', )
    inst = ds.get_data_info(0)['instances']
    # the 0.5-px-wide box is dropped, the crowd box is kept as ignored
    assert [i['ignore_flag'] for i in inst] == [0, 1]
    assert ds.get_data_info(0)['img_path'] == str(tmp_path / 'images' / 'train' / '0001.jpg')
    assert len(SSDD(data_root=str(tmp_path), filter_empty_gt=True)) == 1


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='HRSID_JPG'):
        HRSID(data_root=str(tmp_path))
    _tiny_coco(tmp_path / 'a.json')
    (tmp_path / 'split.txt').write_text('0001\nmissing.jpg\n')
    with pytest.raises(KeyError, match='missing.jpg'):
        CocoDetectionDataset(data_root=str(tmp_path), ann_file='a.json',
                             split_file=str(tmp_path / 'split.txt'))
    with pytest.raises(ValueError, match='categories'):
        CocoDetectionDataset(data_root=str(tmp_path), ann_file='a.json',
                             metainfo=dict(classes=('plane', )))
