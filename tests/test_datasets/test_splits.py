"""Stratified split files (``rszoo.datasets.splits``): the stratification logic and the
committed AID splits (reproducible from AID-150px when it is present).
"""
import filecmp
import os.path as osp
from collections import Counter

import pytest

from rszoo.datasets import AID, make_splits, make_stratified_split, split_prefix

from conftest import REPO_ROOT
from helpers.split_files import LINE, read_lines


AID_SPLITS = osp.join(REPO_ROOT, 'splits', 'aid')


def synthetic_samples(counts=(10, 7, 3, 25, 2)):
    return [(f'c{label}/img_{i:03d}.jpg', label)
            for label, n in enumerate(counts) for i in range(n)]


def per_class(samples):
    return Counter(label for _, label in samples)


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


def test_committed_aid_split_is_reproducible(tmp_path, aid_root):
    written = make_splits(str(aid_root), AID.METAINFO['classes'], 0.2,
                          str(tmp_path), seeds=(0, ))
    for subset, path in written[0].items():
        assert filecmp.cmp(
            path, osp.join(AID_SPLITS, f'20-80_seed0_{subset}.txt'),
            shallow=False), f'splits/aid/20-80_seed0_{subset}.txt is stale'
