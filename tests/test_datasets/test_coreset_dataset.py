"""CoresetDataset: a coreset file round-trips into a data set of its size; files made
for another data set (size, index range, another split of the same size) are refused
with the file named."""
import json
import shutil

import numpy as np
import pytest

from rszoo.datasets import CoresetDataset, RSSceneDataset
from rszoo.datasets.pruning import (CoresetFileError, dataset_fingerprint, read_coreset_file,
                                    write_coreset_file)
from rszoo.registry import DATASETS

from helpers.images import save_image


@pytest.fixture
def tree(tmp_path):
    """2 class folders x 6 tiny images, and two 8-image split files."""
    root = tmp_path / 'scenes'
    for label, name in enumerate(('Beach', 'Forest')):
        for i in range(6):
            save_image(str(root / name / f'{name.lower()}_{i}.png'), size=(4, 4),
                       color=(label * 100, i * 40, 0))
    split_a = tmp_path / 'a.txt'
    split_b = tmp_path / 'b.txt'
    split_a.write_text(''.join(f'{n}/{n.lower()}_{i}.png {lab}\n'
                               for lab, n in enumerate(('Beach', 'Forest'))
                               for i in range(4)))
    split_b.write_text(''.join(f'{n}/{n.lower()}_{i}.png {lab}\n'
                               for lab, n in enumerate(('Beach', 'Forest'))
                               for i in range(2, 6)))
    return root, str(split_a), str(split_b)


def scene_cfg(root, split):
    return dict(type='RSSceneDataset', data_root=str(root), split_file=split)


def test_round_trip_into_a_data_set_of_the_right_size(tree, tmp_path):
    root, split_a, _ = tree
    full = RSSceneDataset(data_root=str(root), split_file=split_a)
    assert len(full) == 8
    index_file = str(tmp_path / 'coresets' / 'tdds_keep50.json')
    written = write_coreset_file(index_file, [6, 1, 3, 4], len(full), method='tdds',
                                 keep_ratio=0.5, fingerprint=dataset_fingerprint(full),
                                 params=dict(epochs=30, window=10, decay=0.9))
    assert written['indices'] == [1, 3, 4, 6]  # written in increasing order
    coreset = DATASETS.build(dict(type='CoresetDataset', index_file=index_file,
                                  dataset=scene_cfg(root, split_a)))
    assert isinstance(coreset, CoresetDataset)
    assert len(coreset) == 4
    assert coreset.indices.tolist() == [1, 3, 4, 6]
    for j, i in enumerate([1, 3, 4, 6]):
        info = coreset.get_data_info(j)
        assert info['sample_idx'] == i  # the index in the full data set
        assert info['img_path'] == full.get_data_info(i)['img_path']
        assert coreset[j]['sample_idx'] == i
    assert coreset.get_gt_labels().tolist() == [0, 0, 1, 1]
    assert coreset.get_cat_ids(3) == [1]
    assert coreset.metainfo['classes'] == ('Beach', 'Forest')
    assert coreset.coreset_info['method'] == 'tdds'
    assert coreset.coreset_info['params']['window'] == 10
    # lazy: nothing read until full_init
    lazy = CoresetDataset(dataset=full, index_file=index_file, lazy_init=True)
    assert not lazy._fully_initialized and len(lazy) == 4 and lazy._fully_initialized


def test_fingerprint_ignores_where_the_data_lives(tree, tmp_path):
    root, split_a, _ = tree
    copy = tmp_path / 'elsewhere' / 'scenes'
    shutil.copytree(root, copy)
    assert dataset_fingerprint(RSSceneDataset(data_root=str(root), split_file=split_a)) == \
        dataset_fingerprint(RSSceneDataset(data_root=str(copy), split_file=split_a))


def test_another_split_of_the_same_size_is_refused(tree, tmp_path):
    root, split_a, split_b = tree
    full_a = RSSceneDataset(data_root=str(root), split_file=split_a)
    index_file = str(tmp_path / 'c.json')
    write_coreset_file(index_file, [0, 5], 8, method='tdds', keep_ratio=0.25,
                       fingerprint=dataset_fingerprint(full_a))
    with pytest.raises(CoresetFileError, match=r'c\.json was made for another data set of 8 '
                       r'samples.*RSSceneDataset.*another split file'):
        CoresetDataset(dataset=scene_cfg(root, split_b), index_file=index_file)
    # on purpose: the check can be turned off
    assert len(CoresetDataset(dataset=scene_cfg(root, split_b), index_file=index_file,
                              check_fingerprint=False)) == 2


def test_a_file_for_another_size_is_refused(tree, tmp_path):
    root, split_a, _ = tree
    index_file = str(tmp_path / 'small.json')
    write_coreset_file(index_file, [0, 1, 2], 5, method='random', keep_ratio=0.6)
    with pytest.raises(CoresetFileError,
                       match=r'small\.json was made for a data set of 5 samples, but the '
                       r'wrapped RSSceneDataset has 8'):
        CoresetDataset(dataset=scene_cfg(root, split_a), index_file=index_file)


def test_malformed_files_name_the_file_and_the_problem(tmp_path):
    def write(name, content):
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    good = dict(format='rszoo-coreset', version=1, dataset_size=8, num_kept=2,
                indices=[1, 2])
    with pytest.raises(CoresetFileError, match=r'out\.json: 1 index\(es\) outside \[0, 8\) '
                       r'\(first: 9\)'):
        read_coreset_file(write('out.json', dict(good, indices=[1, 9])))
    with pytest.raises(CoresetFileError, match=r'neg\.json: 1 index\(es\) outside'):
        read_coreset_file(write('neg.json', dict(good, indices=[-1, 2])))
    with pytest.raises(CoresetFileError, match=r'dup\.json: index 2 is listed 2 times'):
        read_coreset_file(write('dup.json', dict(good, indices=[2, 2])))
    with pytest.raises(CoresetFileError, match=r'count\.json: "num_kept" is 3'):
        read_coreset_file(write('count.json', dict(good, num_kept=3)))
    with pytest.raises(CoresetFileError, match=r'text\.json is not a JSON coreset file'):
        read_coreset_file(write('text.json', '0\n1\n2 3\n'))
    with pytest.raises(CoresetFileError, match=r'other\.json is not a coreset file'):
        read_coreset_file(write('other.json', dict(good, format='npy')))
    with pytest.raises(CoresetFileError, match=r'v2\.json: coreset file version 2'):
        read_coreset_file(write('v2.json', dict(good, version=2)))
    with pytest.raises(CoresetFileError, match=r'float\.json: "indices" must be a list of '
                       'integers'):
        read_coreset_file(write('float.json', dict(good, indices=[1.0, 2.0])))
    with pytest.raises(FileNotFoundError, match=r'missing\.json does not exist.*make_coreset'):
        read_coreset_file(str(tmp_path / 'missing.json'))
    content = read_coreset_file(write('ok.json', good))
    assert content['indices'].dtype == np.int64 and content['indices'].tolist() == [1, 2]


def test_writing_refuses_indices_outside_the_data_set(tmp_path):
    with pytest.raises(CoresetFileError, match=r'w\.json: 1 index\(es\) outside \[0, 4\)'):
        write_coreset_file(str(tmp_path / 'w.json'), [0, 4], 4, method='tdds', keep_ratio=0.5)
    assert not (tmp_path / 'w.json').exists()
