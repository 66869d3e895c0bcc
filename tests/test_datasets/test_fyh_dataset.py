"""FYH (DIAnet's FY-4A / Himawari-8 tile layout) on generated fake data."""
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from rszoo.utils import register_all_modules

register_all_modules()

from rszoo.datasets import FYH_CLASSES, FYH  # noqa: E402

from conftest import load_tool  # noqa: E402

PIPELINE = [dict(type='LoadMatImage'), dict(type='LoadSegAnnotation'),
            dict(type='PackSegInputs')]


def load_generator():
    return load_tool('tests/data/fyh/generate_fyh.py', 'generate_fyh')


@pytest.fixture(scope='module')
def fyh_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('fyh')
    load_generator().generate(str(root), size=20, num_train=4, num_test=2, seed=0)
    return root


def test_layout_and_samples(fyh_root):
    train = FYH(data_root=str(fyh_root), split='train', pipeline=PIPELINE)
    test = FYH(data_root=str(fyh_root), split='test', pipeline=PIPELINE)
    assert len(train) == 4 and len(test) == 2
    assert train.metainfo['classes'] == FYH_CLASSES and len(FYH_CLASSES) == 11
    item = train[0]
    assert item['inputs'].shape == (14, 20, 20) and item['inputs'].dtype.is_floating_point
    seg = item['data_samples'].gt_sem_seg.data
    assert seg.shape == (1, 20, 20) and seg.min() >= 0 and seg.max() <= 10
    assert (seg == 10).sum() <= 20 * 20 // 8  # the authors' tile filter
    name = Path(train.get_data_info(0)['img_path']).name
    assert Path(train.get_data_info(0)['seg_map_path']).name == name  # same name, matmask*/
    assert '_NOM_2020' in name


def test_reverse_channels_is_the_authors_order(fyh_root):
    info = FYH(data_root=str(fyh_root)).get_data_info(0)
    stored = scipy.io.loadmat(info['img_path'])['data']
    plain = FYH(data_root=str(fyh_root), pipeline=[dict(type='LoadMatImage')])[0]['img']
    rev = FYH(data_root=str(fyh_root),
                     pipeline=[dict(type='LoadMatImage', reverse_channels=True)])[0]['img']
    assert np.array_equal(plain, stored) and np.array_equal(rev, stored[..., ::-1])


def test_generator_is_deterministic(tmp_path):
    gen = load_generator()
    gen.generate(str(tmp_path / 'a'), size=8, num_train=1, num_test=1, seed=3)
    gen.generate(str(tmp_path / 'b'), size=8, num_train=1, num_test=1, seed=3)
    name = next((tmp_path / 'a' / 'mattrain').iterdir()).name
    for folder in ('mattrain', 'matmasktrain'):
        a = scipy.io.loadmat(tmp_path / 'a' / folder / name)['data']
        b = scipy.io.loadmat(tmp_path / 'b' / folder / name)['data']
        assert np.array_equal(a, b)


def test_errors(fyh_root, tmp_path):
    with pytest.raises(FileNotFoundError, match='mattrain/ \\+ matmasktrain/'):
        FYH(data_root=str(tmp_path))
    (tmp_path / 'list.txt').write_text('missing_0.mat\n')
    with pytest.raises(FileNotFoundError, match='missing_0.mat not found'):
        FYH(data_root=str(fyh_root), ann_file=str(tmp_path / 'list.txt'))
    bad = FYH(data_root=str(fyh_root),
                     pipeline=[dict(type='LoadMatImage', expected_bands=4)])
    with pytest.raises(ValueError, match='has 14 bands'):
        bad[0]
    wrong_key = FYH(data_root=str(fyh_root), pipeline=[dict(type='LoadMatImage', key='x')])
    with pytest.raises(KeyError, match="no key 'x'"):
        wrong_key[0]
