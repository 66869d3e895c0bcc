"""Scene-classification datasets (``RSSceneDataset`` and the named sets: AID, UCMerced,
NWPU-RESISC45, ...): the class lists, folder scans, split files, corrupt images, ``plot``
and ``preload``.

Real data: AID-150px from ``<repo>/../shared/data`` (or ``$RSZOO_DATA_ROOT``); those
tests skip when it is absent. Everything else runs on tiny synthetic trees written to
``tmp_path``.
"""
import io
import os
import os.path as osp

import numpy as np
import torch
import pytest
from PIL import Image, ImageFile

from rszoo.datasets import (AID, RSSCN7, WHURS19, EuroSATRGB, LoadRSImage, NWPURESISC45,
                            PatternNet, RSSceneDataset, UCMerced)
from rszoo import fileio
from rszoo.datasets import scene_classification
from rszoo.datasets.transforms.loading import CorruptImageError
from rszoo.registry import DATASETS

from conftest import REPO_ROOT
from helpers.images import save_image


# Published AID class sizes (Xia et al. 2017, Table; shared/data README).
AID_COUNTS = {
    'Airport': 360, 'BareLand': 310, 'BaseballField': 220, 'Beach': 400,
    'Bridge': 360, 'Center': 260, 'Church': 240, 'Commercial': 350,
    'DenseResidential': 410, 'Desert': 300, 'Farmland': 370, 'Forest': 250,
    'Industrial': 390, 'Meadow': 280, 'MediumResidential': 290,
    'Mountain': 340, 'Park': 350, 'Parking': 390, 'Playground': 370,
    'Pond': 420, 'Port': 380, 'RailwayStation': 260, 'Resort': 290,
    'River': 410, 'School': 300, 'SparseResidential': 300, 'Square': 330,
    'Stadium': 290, 'StorageTanks': 360, 'Viaduct': 420
}


def jpeg_bytes(size=(64, 64)):
    """A JPEG with texture (so that truncating it loses scan data)."""
    rng = np.random.default_rng(0)
    array = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format='JPEG', quality=90)
    return buffer.getvalue()


@pytest.fixture
def mixed_tree(tmp_path):
    """3 classes, 6 images of 5 formats and 6 sizes, plus files to ignore."""
    root = tmp_path / 'scenes'
    save_image(str(root / 'alpha' / 'a2.png'), (20, 12))
    save_image(str(root / 'alpha' / 'a1.jpg'), (16, 16))
    save_image(str(root / 'beta' / 'b1.tif'), (32, 30), fmt='TIFF')
    save_image(str(root / 'beta' / 'B2.JPG'), (9, 7), fmt='JPEG')
    save_image(str(root / 'gamma' / 'g1.bmp'), (5, 11))
    save_image(str(root / 'gamma' / 'g2.jpeg'), (40, 8), fmt='JPEG')
    (root / 'alpha' / 'README.txt').write_text('not an image')
    (root / 'alpha' / '.DS_Store').write_bytes(b'\0')
    (root / 'beta' / '._b1.tif').write_bytes(b'\0')  # macOS resource fork
    (root / 'notaclass').mkdir()
    return str(root)


CLASSES = ('alpha', 'beta', 'gamma')


def test_aid_split_file_count_classes_and_labels(aid_root):
    dataset = DATASETS.build(
        dict(type='AID', data_root=str(aid_root),
             split_file='splits/aid/20-80_seed0_train.txt',
             pipeline=[dict(type='LoadRSImage'), dict(type='PackInputs')]))
    assert isinstance(dataset, AID)
    assert len(dataset) == 2000
    assert dataset.metainfo['classes'] == tuple(AID_COUNTS)
    counts = dataset.class_counts()
    assert counts == {name: round(n * 0.2) for name, n in AID_COUNTS.items()}
    # every label agrees with the image's class folder
    for i in range(0, len(dataset), 97):
        info = dataset.get_data_info(i)
        folder = osp.basename(osp.dirname(info['img_path']))
        assert dataset.CLASSES[info['gt_label']] == folder
    packed = dataset[0]
    assert tuple(packed['inputs'].shape) == (3, 150, 150)
    assert int(packed['data_samples'].gt_label) == dataset.get_data_info(0)[
        'gt_label']


def test_aid_scan_all_and_known_label(aid_root):
    dataset = AID(data_root=str(aid_root))
    assert len(dataset) == 10000
    assert dataset.class_counts() == AID_COUNTS
    paths = [dataset.get_data_info(i)['img_path'] for i in range(len(dataset))]
    index = paths.index(osp.join(str(aid_root), 'RailwayStation',
                                 'railwaystation_1.jpg'))
    assert dataset.get_data_info(index)['gt_label'] == 21
    assert dataset.get_data_info(0)['img_path'].endswith('Airport/airport_1.jpg')
    assert dataset.get_data_info(len(dataset) - 1)['gt_label'] == 29


def test_aid_lazy_init_and_indices(aid_root):
    lazy = AID(data_root=str(aid_root), lazy_init=True)
    assert not lazy._fully_initialized
    assert len(lazy.metainfo['classes']) == 30
    subset = AID(data_root=str(aid_root),
                 split_file='splits/aid/50-50_seed1_test.txt', indices=10)
    assert len(subset) == 10


@pytest.mark.parametrize('dataset_cls, num_classes, first, last', [
    (AID, 30, 'Airport', 'Viaduct'),
    (UCMerced, 21, 'agricultural', 'tenniscourt'),
    (NWPURESISC45, 45, 'airplane', 'wetland'),
    (RSSCN7, 7, 'aGrass', 'gParking'),
    (WHURS19, 19, 'Airport', 'Viaduct'),
    (PatternNet, 38, 'airplane', 'wastewater_treatment_plant'),
    (EuroSATRGB, 10, 'AnnualCrop', 'SeaLake'),
])
def test_official_class_lists(dataset_cls, num_classes, first, last):
    classes = dataset_cls.METAINFO['classes']
    assert len(classes) == num_classes == len(set(classes))
    assert (classes[0], classes[-1]) == (first, last)
    # label = position in the sorted folder list as shipped
    key = str.lower if dataset_cls is WHURS19 else None
    assert list(classes) == sorted(classes, key=key)
    assert DATASETS.get(dataset_cls.__name__) is dataset_cls


def test_class_spellings():
    assert UCMerced.METAINFO['classes'][2] == 'baseballdiamond'
    assert NWPURESISC45.METAINFO['classes'][2] == 'baseball_diamond'
    assert WHURS19.METAINFO['classes'][6] == 'footballField'
    assert WHURS19.METAINFO['classes'][15] == 'railwayStation'
    assert EuroSATRGB.METAINFO['classes'][2] == 'HerbaceousVegetation'


def test_mixed_extensions_and_sizes(mixed_tree):
    dataset = RSSceneDataset(
        data_root=mixed_tree, classes=CLASSES,
        pipeline=[dict(type='LoadRSImage')])
    names = [osp.relpath(dataset.get_data_info(i)['img_path'], mixed_tree)
             for i in range(len(dataset))]
    assert names == ['alpha/a1.jpg', 'alpha/a2.png', 'beta/B2.JPG',
                     'beta/b1.tif', 'gamma/g1.bmp', 'gamma/g2.jpeg']
    assert dataset.get_gt_labels().tolist() == [0, 0, 1, 1, 2, 2]
    shapes = [dataset[i]['img'].shape for i in range(len(dataset))]
    assert shapes == [(16, 16, 3), (12, 20, 3), (7, 9, 3), (30, 32, 3),
                      (11, 5, 3), (8, 40, 3)]
    # deterministic
    again = RSSceneDataset(data_root=mixed_tree, classes=CLASSES)
    assert [again.get_data_info(i)['img_path'] for i in range(6)] == [
        osp.join(mixed_tree, n) for n in names]


def test_generic_dataset_infers_sorted_classes(mixed_tree):
    os.rmdir(osp.join(mixed_tree, 'notaclass'))
    dataset = RSSceneDataset(data_root=mixed_tree)
    assert dataset.metainfo['classes'] == CLASSES
    assert len(dataset) == 6


def test_missing_data_root(tmp_path):
    missing = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match='nowhere'):
        RSSceneDataset(data_root=missing, classes=CLASSES)
    with pytest.raises(FileNotFoundError, match='nowhere'):
        AID(data_root=missing)


def test_missing_class_folder(mixed_tree):
    with pytest.raises(FileNotFoundError) as info:
        RSSceneDataset(data_root=mixed_tree, classes=CLASSES + ('delta', ))
    message = str(info.value)
    assert osp.join(mixed_tree, 'delta') in message and "'delta'" in message


def test_empty_class_folder(mixed_tree):
    os.makedirs(osp.join(mixed_tree, 'delta'))
    open(osp.join(mixed_tree, 'delta', 'notes.txt'), 'w').close()
    with pytest.raises(FileNotFoundError) as info:
        RSSceneDataset(data_root=mixed_tree, classes=CLASSES + ('delta', ))
    message = str(info.value)
    assert osp.join(mixed_tree, 'delta') in message
    assert "'delta'" in message and 'no image' in message


def test_missing_split_file(mixed_tree):
    with pytest.raises(FileNotFoundError, match='no_such_split.txt'):
        RSSceneDataset(data_root=mixed_tree, classes=CLASSES,
                       split_file=osp.join(mixed_tree, 'no_such_split.txt'))


def write_split(tmp_path, lines, name='split.txt'):
    path = tmp_path / name
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


def test_split_file_reads_listed_images(mixed_tree, tmp_path):
    split = write_split(tmp_path, ['# a comment', 'gamma/g1.bmp 2', '',
                                   'alpha/a2.png 0', 'beta/b1.tif'])
    dataset = RSSceneDataset(data_root=mixed_tree, classes=CLASSES,
                             split_file=split)
    assert len(dataset) == 3
    assert dataset.get_gt_labels().tolist() == [2, 0, 1]
    assert dataset.get_data_info(1)['img_path'] == osp.join(
        mixed_tree, 'alpha', 'a2.png')


def test_split_file_relative_path_resolution(mixed_tree, tmp_path,
                                             monkeypatch):
    write_split(tmp_path, ['alpha/a1.jpg 0'])
    monkeypatch.chdir(tmp_path)
    dataset = RSSceneDataset(data_root=mixed_tree, classes=CLASSES,
                             split_file='split.txt')  # found in the cwd
    assert len(dataset) == 1
    assert dataset.split_file == str(tmp_path / 'split.txt')
    # not in the cwd: resolved against the repo root
    assert fileio.resolve_path('rszoo/registry.py') == osp.join(
        REPO_ROOT, 'rszoo', 'registry.py')


def test_split_line_naming_missing_image(mixed_tree, tmp_path):
    split = write_split(tmp_path, ['alpha/a1.jpg 0', 'beta/lost.jpg 1'])
    with pytest.raises(FileNotFoundError) as info:
        RSSceneDataset(data_root=mixed_tree, classes=CLASSES, split_file=split)
    message = str(info.value)
    assert split in message and 'line 2' in message
    assert osp.join(mixed_tree, 'beta', 'lost.jpg') in message


@pytest.mark.parametrize('line, match', [
    ('alpha/a1.jpg 3', 'out of range'),
    ('alpha/a1.jpg -1', 'out of range'),
    ('alpha/a1.jpg 1', "class folder 'alpha'"),
    ('elsewhere/a1.jpg', 'expected'),
])
def test_split_line_bad_label(mixed_tree, tmp_path, line, match):
    split = write_split(tmp_path, ['gamma/g1.bmp 2', line])
    with pytest.raises(ValueError, match=match) as info:
        RSSceneDataset(data_root=mixed_tree, classes=CLASSES, split_file=split)
    assert split in str(info.value) and 'line 2' in str(info.value)


def test_duplicate_split_line(mixed_tree, tmp_path):
    split = write_split(tmp_path, ['alpha/a1.jpg 0', 'alpha/a1.jpg 0'])
    with pytest.raises(ValueError, match='listed twice'):
        RSSceneDataset(data_root=mixed_tree, classes=CLASSES, split_file=split)


def test_bad_on_corrupt_value(mixed_tree):
    with pytest.raises(ValueError, match='on_corrupt'):
        RSSceneDataset(data_root=mixed_tree, classes=CLASSES,
                       on_corrupt='ignore')


@pytest.fixture
def corrupt_tree(mixed_tree):
    data = jpeg_bytes()
    truncated = osp.join(mixed_tree, 'beta', 'truncated.jpg')
    with open(truncated, 'wb') as f:
        f.write(data[:len(data) // 2])
    return mixed_tree, truncated


def test_truncated_jpeg_raises_naming_the_file(corrupt_tree):
    root, truncated = corrupt_tree
    dataset = RSSceneDataset(data_root=root, classes=CLASSES,
                             pipeline=[dict(type='LoadRSImage')])
    assert len(dataset) == 7  # 'error' decodes nothing up front
    index = [dataset.get_data_info(i)['img_path']
             for i in range(len(dataset))].index(truncated)
    with pytest.raises(OSError, match='truncated.jpg') as info:
        dataset[index]
    assert isinstance(info.value, CorruptImageError)
    assert 'truncated' in str(info.value)


def test_truncated_jpeg_raises_even_if_pillow_tolerates(corrupt_tree):
    _, truncated = corrupt_tree
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with pytest.raises(CorruptImageError, match='truncated.jpg'):
            LoadRSImage()(dict(img_path=truncated))
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def test_on_corrupt_skip_drops_and_counts(corrupt_tree, monkeypatch):
    root, truncated = corrupt_tree
    not_an_image = osp.join(root, 'gamma', 'zz_garbage.png')
    with open(not_an_image, 'wb') as f:
        f.write(b'this is not a png')
    messages = []
    monkeypatch.setattr(scene_classification, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    dataset = RSSceneDataset(data_root=root, classes=CLASSES,
                             on_corrupt='skip',
                             pipeline=[dict(type='LoadRSImage')])
    assert len(dataset) == 6
    assert [p for p, _ in dataset.skipped_images] == [truncated, not_an_image]
    summaries = [m for m in messages if 'skipped' in m]
    assert len(summaries) == 1
    assert 'skipped 2 unreadable' in summaries[0]
    assert truncated in summaries[0] and not_an_image in summaries[0]
    for i in range(len(dataset)):  # what is left decodes
        assert dataset[i]['img'].ndim == 3


def test_on_corrupt_skip_with_split_file(corrupt_tree, tmp_path):
    root, _ = corrupt_tree
    split = write_split(tmp_path, ['beta/truncated.jpg 1', 'beta/b1.tif 1'])
    dataset = RSSceneDataset(data_root=root, classes=CLASSES,
                             split_file=split, on_corrupt='skip')
    assert len(dataset) == 1 and len(dataset.skipped_images) == 1


def test_plot_returns_figure(mixed_tree):
    from matplotlib.figure import Figure
    dataset = RSSceneDataset(data_root=mixed_tree, classes=CLASSES)
    figure = dataset.plot(2, prediction=0)
    assert isinstance(figure, Figure)
    title = figure.axes[0].get_title()
    assert 'beta' in title and 'alpha' in title
    figure.canvas.draw()  # renders on Agg without a display


def test_preload_gives_identical_samples_and_needs_a_loader(aid_root):
    """``preload=True`` decodes once at build time; samples are bit-identical."""
    from rszoo.registry import DATASETS
    kw = dict(type='AID', data_root=str(aid_root),
              split_file='tests/data/splits/aid_tiny_test.txt',
              pipeline=[dict(type='LoadRSImage'),
                        dict(type='Resize', scale=(32, 32), backend='pillow',
                             interpolation='bilinear'),
                        dict(type='PackInputs')])
    lazy, pre = DATASETS.build(kw), DATASETS.build(dict(kw, preload=True))
    assert len(lazy) == len(pre) == 60
    for i in (0, 17, 59):
        assert torch.equal(lazy[i]['inputs'], pre[i]['inputs'])
        assert lazy[i]['data_samples'].gt_label == pre[i]['data_samples'].gt_label
    # the cached array is copied, never handed out for in-place edits
    first = pre.get_data_info(0)['img']
    sample = pre.pipeline.transforms[0](pre.get_data_info(0))
    assert sample['img'] is not first and np.array_equal(sample['img'], first)
    with pytest.raises(ValueError, match='preload=True needs a LoadRSImage'):
        DATASETS.build(dict(kw, preload=True, pipeline=[dict(type='PackInputs')]))
