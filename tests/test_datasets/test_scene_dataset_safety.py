"""Scene datasets: empty data sets, class folders in another letter case, and the
progress bar of ``preload`` / ``on_corrupt='skip'`` (tiny trees in ``tmp_path``)."""
import os

import pytest
from PIL import Image

from rszoo.datasets import WHURS19, RSSceneDataset, scene_classification

CLASSES = ('alpha', 'beta')


def save_jpg(path, color=(200, 100, 50)):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.new('RGB', (8, 8), color).save(path, format='JPEG')
    return str(path)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / 'scenes'
    save_jpg(root / 'alpha' / 'a1.jpg')
    save_jpg(root / 'beta' / 'b1.jpg')
    return root


@pytest.fixture
def logs(monkeypatch):
    messages = []
    monkeypatch.setattr(scene_classification, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    return messages


# ---------------------------------------------------------------- empty sets


def test_split_file_with_only_comments_names_dataset_and_split(tree, tmp_path):
    split = tmp_path / 'empty_test.txt'
    split.write_text('# made by hand\n\n# nothing here\n')
    with pytest.raises(ValueError) as info:
        RSSceneDataset(data_root=str(tree), classes=CLASSES, split_file=str(split))
    message = str(info.value)
    assert 'RSSceneDataset' in message and 'empty data set' in message
    assert str(split) in message and 'lists no images' in message
    assert 'concatenate' not in message


def test_every_image_skipped_is_an_error(tmp_path):
    root = tmp_path / 'broken'
    for name in ('alpha/a1.jpg', 'beta/b1.png'):
        os.makedirs(root / os.path.dirname(name), exist_ok=True)
        (root / name).write_bytes(b'not an image')
    with pytest.raises(ValueError, match=r"RSSceneDataset .*empty data set: all 2 images "
                                         r"are unreadable .*on_corrupt='skip'"):
        RSSceneDataset(data_root=str(root), classes=CLASSES, on_corrupt='skip')


# --------------------------------------------------- class folders, letter case


def whu_tree(root, rename):
    """A WHU-RS19 copy with one image per class; ``rename`` maps class -> folder."""
    for name in WHURS19.METAINFO['classes']:
        save_jpg(root / rename.get(name, name) / f'{name}_01.jpg')
    return root


def test_case_insensitive_class_folders_are_mapped_and_logged(tmp_path, logs):
    root = whu_tree(tmp_path / 'whu', {'Airport': 'airport', 'footballField': 'footballfield'})
    dataset = WHURS19(data_root=str(root))
    assert len(dataset) == 19
    classes = dataset.CLASSES
    for i in range(19):
        info = dataset.get_data_info(i)
        assert os.path.isfile(info['img_path'])
        assert os.path.basename(info['img_path']) == f'{classes[info["gt_label"]]}_01.jpg'
    assert dataset.get_data_info(0)['img_path'].endswith('/airport/Airport_01.jpg')
    mapped = [m for m in logs if 'letter case' in m]
    assert len(mapped) == 1
    assert "airport/ -> 'Airport'" in mapped[0] and "footballfield/ -> 'footballField'" in mapped[0]
    assert not [m for m in logs if 'not classes' in m]  # not reported as unknown folders


def test_split_file_with_official_names_finds_lowercase_folders(tmp_path, logs):
    root = whu_tree(tmp_path / 'whu', {'Airport': 'airport'})
    split = tmp_path / 'split.txt'
    split.write_text('Airport/Airport_01.jpg 0\nBeach/Beach_01.jpg 1\n')
    dataset = WHURS19(data_root=str(root), split_file=str(split))
    assert [dataset.get_data_info(i)['gt_label'] for i in range(2)] == [0, 1]
    assert dataset.get_data_info(0)['img_path'] == str(root / 'airport' / 'Airport_01.jpg')
    # a label-less line in another case still gets its class, and a wrong label is caught
    split.write_text('airport/Airport_01.jpg\n')
    assert WHURS19(data_root=str(root), split_file=str(split)).get_gt_labels().tolist() == [0]
    split.write_text('airport/Airport_01.jpg 3\n')
    with pytest.raises(ValueError, match="class folder 'airport' \\(label 0\\)"):
        WHURS19(data_root=str(root), split_file=str(split))


def test_two_folders_of_one_class_collide(tmp_path):
    root = whu_tree(tmp_path / 'whu', {})
    save_jpg(root / 'airport' / 'extra.jpg')
    with pytest.raises(ValueError, match=r"\['Airport', 'airport'\] .* class 'Airport'"):
        WHURS19(data_root=str(root))


# ----------------------------------------------------------------- progress bar


def test_progress_bar_for_preload_and_skip(tree, monkeypatch, capsys, logs):
    build = dict(data_root=str(tree), classes=CLASSES, on_corrupt='skip', preload=True,
                 pipeline=[dict(type='LoadRSImage')])
    RSSceneDataset(**build)
    assert 'preloading' not in capsys.readouterr().err  # small data set: no bar
    monkeypatch.setattr(scene_classification, 'PROGRESS_MIN_ITEMS', 1)
    RSSceneDataset(**build)
    err = capsys.readouterr().err
    assert 'RSSceneDataset: checking images' in err and 'RSSceneDataset: preloading' in err
    assert '0/2 [' in err  # the total is known
    monkeypatch.setattr(scene_classification, 'is_main_process', lambda: False)
    RSSceneDataset(**build)
    assert 'preloading' not in capsys.readouterr().err  # only rank 0 draws it
    assert any('preloaded 2 images' in m for m in logs)  # the summary log is unchanged
