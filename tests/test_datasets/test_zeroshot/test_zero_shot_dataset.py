"""``ZeroShotDataset`` on a tiny fake image folder (and on AID-150px when present): the
zero-shot subsets with global labels, the validation subsets, and the errors.
"""
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from rszoo.datasets import RSSceneDataset
from rszoo.datasets.zeroshot import (ClassSplit, ZeroShotDataset, split_seen_images,
                                     subset_positions)
from rszoo.registry import DATASETS

pytestmark = pytest.mark.usefixtures('single_thread_registry')


CLASSES = ['A', 'B', 'C', 'D', 'E', 'F']
PER_CLASS = 5


@pytest.fixture(scope='module')
def fake_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('zsl_fake')
    for label, name in enumerate(CLASSES):
        (root / name).mkdir()
        for i in range(PER_CLASS):
            pixels = np.full((4, 4, 3), 10 * label + i, dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f'{name.lower()}_{i}.png')
    return root


@pytest.fixture(scope='module')
def split_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('zsl_split') / 'toy.json'
    ClassSplit(dataset='RSSceneDataset', classes=CLASSES, seen=['A', 'B', 'C', 'D'],
               unseen=['E', 'F'], val_unseen=['B'], seed=0, source='test').to_file(str(path))
    return str(path)


def make(fake_root, split_file, subset, **kwargs):
    inner = dict(type='RSSceneDataset', data_root=str(fake_root),
                 pipeline=[dict(type='LoadRSImage'), dict(type='PackInputs')])
    return ZeroShotDataset(dataset=inner, class_split=split_file, subset=subset, **kwargs)


def samples(dataset):
    return {(osp.basename(dataset.get_data_info(i)['img_path']),
             dataset.get_data_info(i)['gt_label']) for i in range(len(dataset))}


def test_subsets_and_global_labels(fake_root, split_file):
    sets = {s: make(fake_root, split_file, s) for s in
            ('train', 'test', 'test_seen', 'test_unseen')}
    train, test_seen = samples(sets['train']), samples(sets['test_seen'])
    test_unseen, test = samples(sets['test_unseen']), samples(sets['test'])
    # 5 images per class, 20 % held out: 4 train + 1 test_seen per seen class
    assert len(train) == 16 and len(test_seen) == 4 and len(test_unseen) == 10
    assert not train & test_seen
    assert test == test_seen | test_unseen and not train & test
    assert {label for _, label in train} == {0, 1, 2, 3} == {l for _, l in test_seen}
    assert {label for _, label in test_unseen} == {4, 5}  # global indices, not 0/1
    for name, label in train | test:  # the label is the class folder's global index
        assert CLASSES[label].lower() == name.split('_')[0]
    for dataset in sets.values():
        assert dataset.metainfo['classes'] == tuple(CLASSES)
        assert dataset.metainfo['seen_indices'] == [0, 1, 2, 3]
        assert dataset.metainfo['unseen_indices'] == [4, 5]
    assert sets['test'].metainfo['subset'] == 'test'
    # through the pipeline
    item = sets['test_unseen'][0]
    assert item['inputs'].shape == (3, 4, 4)
    assert int(item['data_samples'].gt_label) in (4, 5)
    assert list(sets['test_unseen'].get_gt_labels()) == [4] * 5 + [5] * 5
    # deterministic, and split_seed changes which images are held out
    assert samples(make(fake_root, split_file, 'train')) == train
    other = samples(make(fake_root, split_file, 'test_seen', split_seed=1))
    assert other != test_seen and len(other) == 4


def test_validation_subsets(fake_root, split_file):
    train = samples(make(fake_root, split_file, 'train'))
    test_seen = samples(make(fake_root, split_file, 'test_seen'))
    val_train = make(fake_root, split_file, 'val_train')
    val_test = make(fake_root, split_file, 'val_test')
    vt, vs = samples(val_train), samples(val_test)
    assert vt | vs == train and not vt & vs  # only training images, split in two
    assert not (vt | vs) & test_seen
    labels_t, labels_s = {l for _, l in vt}, {l for _, l in vs}
    assert labels_t == {0, 2, 3}  # seen - val_unseen
    assert labels_s == {0, 1, 2, 3}
    assert not (labels_t | labels_s) & {4, 5}  # never an unseen test class
    assert len([1 for _, l in vs if l == 1]) == 4  # every training image of B
    assert len(vt) == 9 and len(vs) == 7  # 4 -> 3 + 1 for A, C, D
    # the same positions as the shared subset_positions (used by ZSLFeatureDataset)
    inner = val_test.dataset
    labels = [inner.get_data_info(i)['gt_label'] for i in range(len(inner))]
    positions, seen, unseen = subset_positions(val_test.class_split, labels, 'val_test')
    assert {osp.basename(inner.get_data_info(int(p))['img_path']) for p in positions} == \
        {name for name, _ in vs}
    assert (seen, unseen) == ([0, 2, 3], [1])
    for dataset in (val_train, val_test):
        assert dataset.metainfo['seen_indices'] == [0, 2, 3]
        assert dataset.metainfo['unseen_indices'] == [1]
        assert dataset.metainfo['classes'] == tuple(CLASSES)


def test_wrapper_takes_a_built_dataset_and_its_own_pipeline(fake_root, split_file):
    inner = RSSceneDataset(data_root=str(fake_root), pipeline=[dict(type='LoadRSImage')])
    dataset = DATASETS.build(dict(type='ZeroShotDataset', dataset=inner,
                                  class_split=split_file, subset='test_unseen',
                                  pipeline=[dict(type='LoadRSImage'),
                                            dict(type='PackInputs')]))
    assert len(dataset) == 10 and 'data_samples' in dataset[0]
    assert len(inner) == 30  # the inner data set is untouched
    no_pipeline = ZeroShotDataset(inner, split_file, 'test_unseen')
    assert no_pipeline[0]['img'].shape == (4, 4, 3)  # the inner pipeline


def test_errors(fake_root, split_file, tmp_path):
    with pytest.raises(ValueError, match="ZeroShotDataset: subset='validation' is not a "
                       "zero-shot subset; expected one of 'train', 'test', 'test_seen', "
                       "'test_unseen', 'val_train', 'val_test'$"):
        make(fake_root, split_file, 'validation')
    with pytest.raises(ValueError, match="subset='val' is not a zero-shot subset"):
        make(fake_root, split_file, 'val')  # a model's class partition, not an image subset
    wrong_order = tmp_path / 'wrong.json'
    ClassSplit(dataset='x', classes=CLASSES[::-1], seen=CLASSES[:4],
               unseen=CLASSES[4:]).to_file(str(wrong_order))
    with pytest.raises(ValueError, match='another order'):
        make(fake_root, str(wrong_order), 'train')
    other = tmp_path / 'other.json'
    ClassSplit(dataset='x', classes=CLASSES + ['G'], seen=CLASSES,
               unseen=['G']).to_file(str(other))
    with pytest.raises(ValueError, match=r"missing: \['G'\]"):
        make(fake_root, str(other), 'train')
    no_val = tmp_path / 'no_val.json'
    ClassSplit(dataset='x', classes=CLASSES, seen=CLASSES[:4],
               unseen=CLASSES[4:]).to_file(str(no_val))
    assert len(make(fake_root, str(no_val), 'train')) == 16
    with pytest.raises(ValueError, match='val_unseen'):
        make(fake_root, str(no_val), 'val_train')
    with pytest.raises(FileNotFoundError):
        make(fake_root, str(tmp_path / 'absent.json'), 'train')
    with pytest.raises(TypeError, match='classes'):
        make(fake_root, split_file, 'train', classes=CLASSES)


def test_aid150_zero_shot_subsets(aid_root):
    kwargs = dict(dataset=dict(type='AID', data_root=str(aid_root)),
                  class_split='splits/zsl/aid/aid_25-5_seed0.json')
    test_unseen = ZeroShotDataset(subset='test_unseen', **kwargs)
    train = ZeroShotDataset(subset='train', **kwargs)
    test = ZeroShotDataset(subset='test', **kwargs)
    assert len(train) + len(test) == 10000
    unseen = set(test.metainfo['unseen_indices'])
    assert set(test_unseen.get_gt_labels()) == unseen
    assert not set(train.get_gt_labels()) & unseen
    # split_seen_images on the same labels gives the same counts
    labels = np.concatenate([train.get_gt_labels(), test.get_gt_labels()])
    parts = split_seen_images(labels, test.metainfo['seen_indices'], 0.2, 0)
    assert len(parts['train']) == len(train) and len(parts['test_unseen']) == len(test_unseen)
