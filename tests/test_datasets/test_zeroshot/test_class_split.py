"""Zero-shot class splits (``rszoo.datasets.zeroshot.ClassSplit``): the committed split
files under ``splits/zsl/``, resolving a relative split path, and drawing a split by hand.
"""
import glob
import os.path as osp
import re

import numpy as np
import pytest

from rszoo.datasets import AID, NWPURESISC45, UCMerced
from rszoo.datasets.zeroshot import ClassSplit, default_num_val_unseen, make_class_split

from conftest import REPO_ROOT, shared_data_root

pytestmark = pytest.mark.usefixtures('single_thread_registry')


SPLIT_DIR = REPO_ROOT / 'splits' / 'zsl'
RSKG_CLASSES = shared_data_root() / 'rsskg-semantic-vectors' / 'classes_inferred.txt'
FAMILIES = {  # file prefix -> (dataset dir, dataset name, seen, unseen)
    'ucmerced_16-5': ('ucmerced', 'UCMerced', 16, 5),
    'aid_25-5': ('aid', 'AID', 25, 5),
    'aid_20-10': ('aid', 'AID', 20, 10),
    'nwpu_resisc45_35-10': ('nwpu_resisc45', 'NWPURESISC45', 35, 10),
    'rssdivcs_60-10': ('rssdivcs', 'RSSDIVCS', 60, 10),
    'rssdivcs_50-20': ('rssdivcs', 'RSSDIVCS', 50, 20),
    'rssdivcs_40-30': ('rssdivcs', 'RSSDIVCS', 40, 30),
}
METAINFO_CLASSES = {'AID': AID.METAINFO['classes'], 'UCMerced': UCMerced.METAINFO['classes'],
                    'NWPURESISC45': NWPURESISC45.METAINFO['classes']}
ALL_FILES = sorted(glob.glob(str(SPLIT_DIR / '*' / '*.json')))


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
