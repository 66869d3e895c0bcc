"""Zero-shot data: the seen/unseen split files under ``splits/zsl/``, the tool
that draws them (``tools/dataset_converters/make_zsl_splits.py``) and
``ZeroShotDataset`` on a tiny fake image folder (and on AID-150px when present).
"""
import glob
import importlib.util
import json
import os
import os.path as osp
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rszoo.datasets import AID, NWPU_RESISC45, RSSceneDataset, UCMerced
from rszoo.datasets.zeroshot import (ClassSplit, ZeroShotDataset, default_num_val_unseen,
                                     make_class_split, split_seen_images, subset_positions)
from rszoo.registry import DATASETS
from rszoo.utils import register_all_modules

REPO_ROOT = Path(__file__).resolve().parents[1]
SPLIT_DIR = REPO_ROOT / 'splits' / 'zsl'
DATA_ROOT = Path(os.environ.get('RSZOO_DATA_ROOT', REPO_ROOT.parent / 'shared' / 'data'))
RSKG_CLASSES = DATA_ROOT / 'rsskg-semantic-vectors' / 'classes_inferred.txt'
FAMILIES = {  # file prefix -> (dataset dir, dataset name, seen, unseen)
    'ucmerced_16-5': ('ucmerced', 'UCMerced', 16, 5),
    'aid_25-5': ('aid', 'AID', 25, 5),
    'aid_20-10': ('aid', 'AID', 20, 10),
    'nwpu_resisc45_35-10': ('nwpu_resisc45', 'NWPU_RESISC45', 35, 10),
    'rssdivcs_60-10': ('rssdivcs', 'RSSDIVCS', 60, 10),
    'rssdivcs_50-20': ('rssdivcs', 'RSSDIVCS', 50, 20),
    'rssdivcs_40-30': ('rssdivcs', 'RSSDIVCS', 40, 30),
}
METAINFO_CLASSES = {'AID': AID.METAINFO['classes'], 'UCMerced': UCMerced.METAINFO['classes'],
                    'NWPU_RESISC45': NWPU_RESISC45.METAINFO['classes']}
ALL_FILES = sorted(glob.glob(str(SPLIT_DIR / '*' / '*.json')))


@pytest.fixture(autouse=True, scope='module')
def _registry():
    register_all_modules()


def load_tool():
    path = REPO_ROOT / 'tools' / 'dataset_converters' / 'make_zsl_splits.py'
    spec = importlib.util.spec_from_file_location('make_zsl_splits', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the split files -------------------------------------------------------------
def test_every_family_has_five_seeds_and_nothing_else():
    expected = {f'{FAMILIES[p][0]}/{p}_seed{s}.json' for p in FAMILIES for s in range(5)}
    found = {osp.relpath(f, SPLIT_DIR) for f in ALL_FILES}
    assert found == expected
    readme = (SPLIT_DIR / 'README.md').read_text()
    for prefix, (folder, *_rest) in FAMILIES.items():
        assert f'{folder}/{prefix}_seed{{0..4}}.json' in readme


@pytest.mark.parametrize('path', ALL_FILES, ids=lambda p: osp.basename(p))
def test_split_file_partitions_and_matches_dataset(path):
    split = ClassSplit.from_file(path)  # validates the partition itself
    prefix = re.sub(r'_seed\d+\.json$', '', osp.basename(path))
    _, dataset, num_seen, num_unseen = FAMILIES[prefix]
    assert split.dataset == dataset
    assert len(split.seen) == num_seen and len(split.unseen) == num_unseen
    assert set(split.seen) | set(split.unseen) == set(split.classes)
    assert not set(split.seen) & set(split.unseen)
    assert set(split.val_unseen) <= set(split.seen)
    assert len(split.val_unseen) == default_num_val_unseen(num_seen, num_unseen)
    assert split.seed == int(re.search(r'seed(\d+)', path).group(1))
    assert split.source.startswith('seeded random split')
    # lists keep the label order
    for names in (split.seen, split.unseen, split.val_unseen):
        assert list(split.indices(names)) == sorted(split.indices(names))
    # the stored lists are what the tool's generator draws for this seed
    redrawn = make_class_split(split.classes, num_unseen, seed=split.seed,
                               num_val_unseen=len(split.val_unseen), dataset=dataset)
    assert (redrawn.seen, redrawn.unseen, redrawn.val_unseen) == (
        split.seen, split.unseen, split.val_unseen)
    if dataset == 'RSSDIVCS':
        assert len(split.classes) == 70
        if not RSKG_CLASSES.is_file():
            pytest.skip(f'{RSKG_CLASSES} not found (RSZOO_DATA_ROOT)')
        assert list(split.classes) == RSKG_CLASSES.read_text().split()
    else:
        assert split.classes == tuple(METAINFO_CLASSES[dataset])
        split.check_classes(METAINFO_CLASSES[dataset])


def test_aid_split_classes_are_the_aid150_folders(aid_root):
    folders = sorted(p.name for p in aid_root.iterdir() if p.is_dir())
    for path in glob.glob(str(SPLIT_DIR / 'aid' / '*.json')):
        assert list(ClassSplit.from_file(path).classes) == folders


def test_validation_split_of_a_file():
    split = ClassSplit.from_file(str(SPLIT_DIR / 'aid' / 'aid_25-5_seed0.json'))
    val = split.validation_split()
    assert set(val.classes) == set(split.seen)
    assert set(val.unseen) == set(split.val_unseen)
    assert len(val.seen) == 20 and not set(val.classes) & set(split.unseen)


# -- drawing splits ------------------------------------------------------------------
def test_from_file_resolves_relative_paths_from_any_working_directory(tmp_path, monkeypatch):
    """One rule for every component: a relative split path is tried against the
    working directory, then the repository root (``rszoo.fileio.resolve_path``)."""
    relative = 'splits/zsl/aid/aid_25-5_seed0.json'
    monkeypatch.chdir(tmp_path)
    split = ClassSplit.from_file(relative)
    assert split.path == str(REPO_ROOT / relative)
    assert split == ClassSplit.from_file(REPO_ROOT / relative)
    # a file under the working directory wins over the repository's
    (tmp_path / 'splits' / 'zsl' / 'aid').mkdir(parents=True)
    local = ClassSplit(dataset='x', classes=['a', 'b'], seen=['a'], unseen=['b'])
    local.to_file(str(tmp_path / relative))
    assert ClassSplit.from_file(relative).classes == ('a', 'b')
    assert ClassSplit.from_file(relative).path == str(tmp_path / relative)
    with pytest.raises(FileNotFoundError, match=r'class split file splits/absent.json does not '
                       r'exist \(looked in the working directory .* and the repository root'):
        ClassSplit.from_file('splits/absent.json')


def test_make_class_split_by_hand():
    classes = [f'c{i}' for i in range(10)]
    split = make_class_split(classes, 3, seed=7, num_val_unseen=2)
    rng = np.random.default_rng(7)  # the documented draw, by hand
    unseen_pos = sorted(rng.permutation(10)[:3].tolist())
    seen = [c for i, c in enumerate(classes) if i not in unseen_pos]
    val_pos = sorted(rng.permutation(7)[:2].tolist())
    assert split.unseen == tuple(classes[i] for i in unseen_pos)
    assert split.seen == tuple(seen)
    assert split.val_unseen == tuple(seen[i] for i in val_pos)
    assert make_class_split(classes, 3, seed=7, num_val_unseen=2) == split
    assert make_class_split(classes, 3, seed=8, num_val_unseen=2) != split
    assert default_num_val_unseen(40, 30) == 20 and default_num_val_unseen(60, 10) == 10
    with pytest.raises(ValueError, match='num_unseen'):
        make_class_split(classes, 10)
    with pytest.raises(ValueError, match='num_val_unseen'):
        make_class_split(classes, 3, num_val_unseen=7)


def test_tool_is_deterministic(tmp_path, capsys):
    tool = load_tool()
    out_a, out_b = tmp_path / 'a', tmp_path / 'b'
    for out in (out_a, out_b):
        assert tool.main(['--dataset', 'AID', '--num-unseen', '5', '--seeds', '3', '4',
                          '--out-dir', str(out)]) == 0
    for seed in (3, 4):
        name = f'aid_25-5_seed{seed}.json'
        assert (out_a / name).read_bytes() == (out_b / name).read_bytes()
        split = ClassSplit.from_file(str(out_a / name))
        assert split.classes == AID.METAINFO['classes'] and split.seed == seed
    assert (json.loads((out_a / 'aid_25-5_seed3.json').read_text())['unseen']
            != json.loads((out_a / 'aid_25-5_seed4.json').read_text())['unseen'])
    # the stored seed-3 file is the tool's output up to the "source" text
    stored = json.loads((SPLIT_DIR / 'aid' / 'aid_25-5_seed3.json').read_text())
    made = json.loads((out_a / 'aid_25-5_seed3.json').read_text())
    assert {k: v for k, v in stored.items() if k != 'source'} == \
        {k: v for k, v in made.items() if k != 'source'}
    # a class list from a file, with an explicit val count
    names = tmp_path / 'names.txt'
    names.write_text('\n'.join(f'k{i}' for i in range(8)) + '\n')
    tool.main(['--dataset', 'Toy', '--classes-file', str(names), '--num-unseen', '2',
               '--num-val-unseen', '1', '--out-dir', str(tmp_path / 'c')])
    toy = ClassSplit.from_file(str(tmp_path / 'c' / 'toy_6-2_seed0.json'))
    assert len(toy.unseen) == 2 and len(toy.val_unseen) == 1 and toy.dataset == 'Toy'
    with pytest.raises(SystemExit, match='num_unseen'):
        tool.main(['--dataset', 'AID', '--num-unseen', '30', '--out-dir', str(tmp_path)])
    with pytest.raises(SystemExit, match='classes-file'):
        tool.main(['--dataset', 'NoSuchSet', '--num-unseen', '2', '--out-dir', str(tmp_path)])


# -- ZeroShotDataset on a fake folder -----------------------------------------------
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
