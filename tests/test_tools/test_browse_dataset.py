"""tools/visualization/browse_dataset.py: the grid of loaded / augmented samples,
on real AID-150px images (BGR shown as RGB) and on a synthetic uint16 13-band set."""
from pathlib import Path

import numpy as np
import pytest
from mmengine.dataset import Compose
from PIL import Image

from rszoo.visualization import percentile_stretch

from conftest import REPO_ROOT, load_tool

TINY = 'tests/configs/tiny_resnet_aid150.py'


tool = load_tool('tools/visualization/browse_dataset.py')


@pytest.fixture
def captured(monkeypatch):
    """The pictures and captions handed to image_grid."""
    seen = {}
    real = tool.image_grid

    def spy(images, titles, **kwargs):
        seen.update(images=images, titles=titles, **kwargs)
        return real(images, titles, **kwargs)

    monkeypatch.setattr(tool, 'image_grid', spy)
    return seen


def test_pick_indices():
    assert tool.pick_indices(10, 4) == [0, 3, 6, 9]
    assert tool.pick_indices(3, 16) == [0, 1, 2]
    drawn = tool.pick_indices(100, 5, seed=1)
    assert drawn == tool.pick_indices(100, 5, seed=1) and len(set(drawn)) == 5


def test_aid_concat_grid(aid_root, tmp_path, captured):
    out = tmp_path / 'grid.png'
    assert tool.main([TINY, '--mode', 'concat', '-n', '3', '--seed', '0',
                      '--out', str(out)]) == str(out)
    assert Image.open(out).size[0] > 500
    images, titles = captured['images'], captured['titles']
    assert len(images) == 6 and captured['ncols'] == 4
    assert titles[0].endswith('150x150x3 uint8 (original)')
    assert titles[1].endswith('32x32x3 uint8 (transformed)')
    # the original cell is the file as an RGB picture (LoadRSImage's BGR turned back)
    from rszoo.utils import register_all_modules
    register_all_modules()
    from mmengine.config import Config
    dataset = tool.build_dataset(Config.fromfile(TINY), 'train')
    index = tool.pick_indices(len(dataset), 3, seed=0)[0]
    info = dataset.get_data_info(index)
    rgb = np.asarray(Image.open(info['img_path']).convert('RGB'))
    assert np.abs(images[0].astype(int) - rgb).max() <= 2  # cv2 vs Pillow JPEG decoding
    label = info['gt_label']
    assert titles[0].startswith(f'{label}: {dataset.metainfo["classes"][label]}\n')


def test_aid_test_phase_original_default_out(aid_root, tmp_path, monkeypatch, captured):
    monkeypatch.chdir(tmp_path)
    out = tool.main([str(REPO_ROOT / TINY), '--phase', 'test', '--mode', 'original', '-n', '2'])
    assert Path(out) == Path('work_dirs/tiny_resnet_aid150/browse_test_original.png')
    assert (tmp_path / out).is_file()
    assert [img.shape for img in captured['images']] == [(150, 150, 3)] * 2


S2_BANDS = ('B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09', 'B10', 'B11',
            'B12', 'B8A')


class FakeMS:
    """Four 16 x 20 uint16 samples of 13 bands, EuroSAT-MS style band attributes."""
    BANDS = S2_BANDS
    RGB_BANDS = ('B04', 'B03', 'B02')
    METAINFO = dict(classes=('Forest', 'River'))

    def __init__(self, pipeline):
        rng = np.random.default_rng(0)
        self.images = [(1000 * (np.arange(13) + 1) + rng.integers(0, 3000, (16, 20, 13)))
                       .astype(np.uint16) for _ in range(4)]
        self.pipeline = pipeline
        self.metainfo = dict(self.METAINFO)

    def __len__(self):
        return len(self.images)

    def get_data_info(self, index):
        return dict(img=self.images[index], gt_label=index % 2, img_path=f'{index}.tif',
                    band_names=self.BANDS, sample_idx=index)


@pytest.fixture
def fake_ms(monkeypatch, tmp_path):
    from rszoo.registry import TRANSFORMS
    from rszoo.utils import register_all_modules
    register_all_modules()
    pipeline = Compose([TRANSFORMS.build(dict(type='RandomFlip', prob=1.0,
                                              direction='horizontal')),
                        TRANSFORMS.build(dict(type='PackInputs'))])
    dataset = FakeMS(pipeline)
    monkeypatch.setattr(tool, 'build_dataset', lambda cfg, phase: dataset)
    config = tmp_path / 'fake_ms.py'
    config.write_text("train_dataloader = dict(dataset=dict(type='FakeMS'))\n")
    return dataset, str(config)


def test_13_band_uint16_shown_as_stretched_rgb_bands(fake_ms, tmp_path, captured):
    dataset, config = fake_ms
    tool.main([config, '--mode', 'concat', '-n', '2', '--out', str(tmp_path / 'ms.png')])
    images, titles = captured['images'], captured['titles']
    assert titles[0] == '0: Forest\n16x20x13 uint16 (original)'
    assert titles[3] == '1: River\n16x20x13 uint16 (transformed)'
    original = dataset.images[3]  # -n 2: samples 0 and 3
    np.testing.assert_array_equal(images[2], percentile_stretch(original[..., [3, 2, 1]]))
    # the augmented sample is the flipped original
    np.testing.assert_array_equal(images[3], images[2][:, ::-1])
    assert (tmp_path / 'ms.png').is_file()


def test_13_band_chosen_bands_and_errors(fake_ms, tmp_path, captured):
    _, config = fake_ms
    tool.main([config, '--mode', 'original', '-n', '1', '--bands', 'B08',
               '--out', str(tmp_path / 'nir.png')])
    grey = captured['images'][0]
    assert np.array_equal(grey[..., 0], grey[..., 2])
    tool.main([config, '-n', '1', '--bands', '7', '3', '2', '--out', str(tmp_path / 'fc.png')])
    with pytest.raises(ValueError, match="unknown band name 'B99'"):
        tool.main([config, '-n', '1', '--bands', 'B99', 'B03', 'B02',
                   '--out', str(tmp_path / 'x.png')])
