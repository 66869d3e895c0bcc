"""Stratified split files: ``rszoo.datasets.splits`` and its CLI
``tools/dataset_converters/make_splits.py``; the committed AID splits."""
import filecmp
import importlib.util
import os
import os.path as osp
import re
from collections import Counter

import pytest
from PIL import Image

from rszoo.datasets import (AID, RSSCN7, make_splits, make_stratified_split,
                            split_prefix)

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DATA_ROOT = os.environ.get('RSZOO_DATA_ROOT',
                           osp.join(REPO_ROOT, '..', 'shared', 'data'))
AID_ROOT = osp.join(DATA_ROOT, 'aid-150px')
AID_SPLITS = osp.join(REPO_ROOT, 'splits', 'aid')
LINE = re.compile(r'^[^/\s]+/\S+ \d+$')


def load_tool():
    path = osp.join(REPO_ROOT, 'tools', 'dataset_converters', 'make_splits.py')
    spec = importlib.util.spec_from_file_location('make_splits_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_samples(counts=(10, 7, 3, 25, 2)):
    return [(f'c{label}/img_{i:03d}.jpg', label)
            for label, n in enumerate(counts) for i in range(n)]


def per_class(samples):
    return Counter(label for _, label in samples)


def read_lines(path):
    with open(path, encoding='utf-8') as f:
        return f.read().splitlines()


# ------------------------------------------------------------- the logic


def test_stratification_counts_and_disjointness():
    samples = synthetic_samples()
    splits = make_stratified_split(samples, train_ratio=0.2, seed=0)
    # round(n * 0.2), at least 1: 10->2, 7->1, 3->1, 25->5, 2->1
    assert per_class(splits['train']) == {0: 2, 1: 1, 2: 1, 3: 5, 4: 1}
    assert per_class(splits['test']) == {0: 8, 1: 6, 2: 2, 3: 20, 4: 1}
    assert splits['val'] == []
    train, test = set(splits['train']), set(splits['test'])
    assert not train & test and train | test == set(samples)
    # files keep class order, then file-name order
    assert splits['test'] == sorted(splits['test'], key=lambda s: (s[1], s[0]))


def test_same_seed_same_split_other_seed_differs():
    samples = synthetic_samples()
    first = make_stratified_split(samples, 0.5, seed=3)
    assert make_stratified_split(list(reversed(samples)), 0.5, seed=3) == first
    other = make_stratified_split(samples, 0.5, seed=4)
    assert other['train'] != first['train']
    assert per_class(other['train']) == per_class(first['train'])


def test_validation_is_carved_from_the_training_share():
    samples = synthetic_samples((10, 7, 25, 20))
    plain = make_stratified_split(samples, 0.4, seed=1)
    with_val = make_stratified_split(samples, 0.4, val_ratio=0.1, seed=1)
    assert with_val['test'] == plain['test']
    assert set(with_val['train']) | set(with_val['val']) == set(plain['train'])
    assert not set(with_val['train']) & set(with_val['val'])
    # max(1, round(n * 0.1)): 10->1, 7->1, 25->2 (half to even), 20->2
    assert per_class(with_val['val']) == {0: 1, 1: 1, 2: 2, 3: 2}
    with pytest.raises(ValueError, match='too few'):
        make_stratified_split(synthetic_samples((10, 3)), 0.4, val_ratio=0.1)


@pytest.mark.parametrize('kwargs, match', [
    (dict(train_ratio=0.0), 'train_ratio'),
    (dict(train_ratio=1.0), 'train_ratio'),
    (dict(train_ratio=0.2, val_ratio=0.3), 'val_ratio'),
])
def test_bad_ratios(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_stratified_split(synthetic_samples(), **kwargs)


def test_class_too_small():
    with pytest.raises(ValueError, match="'lonely' has 1 image"):
        make_stratified_split([('a/1.jpg', 0), ('a/2.jpg', 0), ('b/1.jpg', 1)],
                              0.5, classes=('a', 'lonely'))


def test_split_prefix():
    assert split_prefix(0.2, 0) == '20-80_seed0'
    assert split_prefix(0.5, 2) == '50-50_seed2'
    assert split_prefix(0.1, 1) == '10-90_seed1'
    assert split_prefix(0.025, 0) == '2.5-97.5_seed0'


# -------------------------------------------------------------- the CLI


@pytest.fixture
def rsscn7_tree(tmp_path):
    """RSSCN7's 7 real folder names, 5 tiny JPEGs each."""
    root = tmp_path / 'RSSCN7'
    for label, name in enumerate(RSSCN7.METAINFO['classes']):
        (root / name).mkdir(parents=True)
        for i in range(5):
            Image.new('RGB', (4, 4), (label * 30, i * 40, 0)).save(
                root / name / f'{name[0]}{i:03d}.jpg')
    return str(root)


def test_cli_writes_loadable_split_files(rsscn7_tree, tmp_path):
    out_dir = str(tmp_path / 'splits')
    tool = load_tool()
    assert tool.main(['--dataset', 'RSSCN7', '--data-root', rsscn7_tree,
                      '--train-ratio', '0.4', '--val-ratio', '0.2',
                      '--seed', '0', '1', '--out-dir', out_dir]) == 0
    assert sorted(os.listdir(out_dir)) == [
        f'40-60_seed{s}_{subset}.txt' for s in (0, 1)
        for subset in ('test', 'train', 'val')
    ]
    train = read_lines(osp.join(out_dir, '40-60_seed0_train.txt'))
    assert all(LINE.match(line) for line in train)
    assert len(train) == 7  # round(5*0.4)=2 per class, minus 1 val
    assert train[0].startswith('aGrass/') and train[0].endswith(' 0')
    dataset = RSSCN7(data_root=rsscn7_tree,
                     split_file=osp.join(out_dir, '40-60_seed0_test.txt'))
    assert len(dataset) == 21
    assert set(dataset.class_counts().values()) == {3}
    assert not filecmp.cmp(osp.join(out_dir, '40-60_seed0_train.txt'),
                           osp.join(out_dir, '40-60_seed1_train.txt'),
                           shallow=False)


def test_cli_protocols(rsscn7_tree, tmp_path):
    out_dir = str(tmp_path / 'protocols')
    load_tool().main(['--dataset', 'RSSCN7', '--data-root', rsscn7_tree,
                      '--protocols', '--out-dir', out_dir])
    assert sorted(os.listdir(out_dir)) == [
        '20-80_seed0_test.txt', '20-80_seed0_train.txt',
        '50-50_seed0_test.txt', '50-50_seed0_train.txt'
    ]


def test_cli_rejects_unknown_dataset_and_missing_protocol(rsscn7_tree,
                                                         tmp_path):
    tool = load_tool()
    with pytest.raises(SystemExit, match='not a scene dataset'):
        tool.main(['--dataset', 'ResNet', '--data-root', rsscn7_tree,
                   '--train-ratio', '0.2', '--out-dir', str(tmp_path)])
    with pytest.raises(SystemExit, match='No literature protocol'):
        tool.main(['--dataset', 'PatternNet', '--data-root', rsscn7_tree,
                   '--protocols', '--out-dir', str(tmp_path)])


# ------------------------------------------------- committed AID splits


@pytest.mark.parametrize('protocol, train_ratio', [('20-80', 0.2),
                                                    ('50-50', 0.5)])
def test_committed_aid_splits(protocol, train_ratio):
    trains = []
    for seed in (0, 1, 2):
        train = read_lines(osp.join(AID_SPLITS,
                                    f'{protocol}_seed{seed}_train.txt'))
        test = read_lines(osp.join(AID_SPLITS,
                                   f'{protocol}_seed{seed}_test.txt'))
        assert len(train) == round(10000 * train_ratio)
        assert len(train) + len(test) == 10000
        assert not set(train) & set(test)
        assert all(LINE.match(line) for line in train + test)
        classes = AID.METAINFO['classes']
        for line in train[::50]:  # labels are official positions
            folder, label = line.split('/')[0], int(line.rsplit(' ', 1)[1])
            assert classes[label] == folder
        totals = Counter(line.split('/')[0] for line in train + test)
        in_train = Counter(line.split('/')[0] for line in train)
        assert all(in_train[c] == round(totals[c] * train_ratio)
                   for c in classes)
        trains.append(set(train))
    assert trains[0] != trains[1] != trains[2] != trains[0]


@pytest.mark.skipif(not osp.isdir(AID_ROOT),
                    reason=f'AID-150px not found at {AID_ROOT}')
def test_committed_aid_split_is_reproducible(tmp_path):
    written = make_splits(AID_ROOT, AID.METAINFO['classes'], 0.2,
                          str(tmp_path), seeds=(0, ))
    for subset, path in written[0].items():
        assert filecmp.cmp(
            path, osp.join(AID_SPLITS, f'20-80_seed0_{subset}.txt'),
            shallow=False), f'splits/aid/20-80_seed0_{subset}.txt is stale'
