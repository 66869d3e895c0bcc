"""``tools/dataset_converters/make_splits.py``: loadable split files, protocols, errors."""
import filecmp
import os
import os.path as osp

import pytest
from PIL import Image

from rszoo.datasets import RSSCN7

from conftest import load_tool
from helpers.split_files import LINE, read_lines


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
    tool = load_tool('tools/dataset_converters/make_splits.py', 'make_splits_tool')
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
    load_tool('tools/dataset_converters/make_splits.py', 'make_splits_tool').main(['--dataset', 'RSSCN7', '--data-root', rsscn7_tree,
                      '--protocols', '--out-dir', out_dir])
    assert sorted(os.listdir(out_dir)) == [
        '20-80_seed0_test.txt', '20-80_seed0_train.txt',
        '50-50_seed0_test.txt', '50-50_seed0_train.txt'
    ]


def test_cli_rejects_unknown_dataset_and_missing_protocol(rsscn7_tree,
                                                         tmp_path):
    tool = load_tool('tools/dataset_converters/make_splits.py', 'make_splits_tool')
    with pytest.raises(SystemExit, match='not a scene dataset'):
        tool.main(['--dataset', 'ResNet', '--data-root', rsscn7_tree,
                   '--train-ratio', '0.2', '--out-dir', str(tmp_path)])
    with pytest.raises(SystemExit, match='No literature protocol'):
        tool.main(['--dataset', 'PatternNet', '--data-root', rsscn7_tree,
                   '--protocols', '--out-dir', str(tmp_path)])
