"""``EuroSATMS`` on the tiny generated 13-band uint16 tree (``tests/data/eurosat_ms``,
written by its ``data.py``), and a 13-band batch end to end: LoadRSImage ->
Resize -> RandomFlip -> PackInputs -> MultiBandDataPreprocessor -> a tiny model."""
import shutil

import numpy as np
import pytest
import rasterio
import torch
from mmengine.dataset import default_collate

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before mmpretrain.models is imported

from rszoo.datasets import EuroSATMS, EuroSATRGB, dataset_band_stats  # noqa: E402
from rszoo.registry import DATASETS, MODELS  # noqa: E402

from conftest import REPO_ROOT  # noqa: E402
ROOT = REPO_ROOT / 'tests' / 'data' / 'eurosat_ms' / 'EuroSAT_MS'
LOAD_ALL = dict(type='LoadRSImage', expected_bands=None)


def test_layout_classes_and_labels():
    dataset = DATASETS.build(dict(type='EuroSATMS', data_root=str(ROOT)))
    assert isinstance(dataset, EuroSATMS)
    assert dataset.CLASSES == EuroSATRGB.METAINFO['classes'] and len(dataset) == 10
    for i in range(10):
        info = dataset.get_data_info(i)
        name = dataset.CLASSES[info['gt_label']]
        assert info['img_path'].endswith(f'{name}/{name}_1.tif')
        assert info['band_names'] == EuroSATMS.BANDS
    assert len(EuroSATMS.BANDS) == 13 and EuroSATMS.BANDS[-1] == 'B8A'  # the files' order


def test_all_13_bands_uint16_kept():
    dataset = EuroSATMS(data_root=str(ROOT), pipeline=[LOAD_ALL])
    img = dataset[0]['img']
    assert img.shape == (64, 64, 13) and img.dtype == np.uint16
    with rasterio.open(ROOT / 'AnnualCrop' / 'AnnualCrop_1.tif') as src:
        assert np.array_equal(img, src.read().transpose(1, 2, 0))
    assert img[..., 12].max() >= 40000  # 16-bit values, not cut to 8 bits or int16
    assert img[..., 9].max() < 256  # B10 (cirrus) is dark


def test_band_selection_by_name():
    dataset = EuroSATMS(data_root=str(ROOT), bands=('B04', 'B03', 'B02', 'B8A'),
                         pipeline=[LOAD_ALL])
    full = EuroSATMS(data_root=str(ROOT), pipeline=[LOAD_ALL])[3]['img']
    img = dataset[3]['img']
    assert img.shape == (64, 64, 4) and np.array_equal(img, full[..., [3, 2, 1, 12]])
    with pytest.raises(ValueError, match=r"unknown band name\(s\) \['B13'\]"):
        EuroSATMS(data_root=str(ROOT), bands=['B02', 'B13'])


def test_plot_true_colour():
    from matplotlib.figure import Figure
    dataset = EuroSATMS(data_root=str(ROOT), bands=['B8A'])  # plot reads RGB anyway
    figure = dataset.plot(1, prediction=0)
    assert isinstance(figure, Figure)
    assert 'Forest' in figure.axes[0].get_title()
    shown = figure.axes[0].images[0].get_array()
    assert shown.shape == (64, 64, 3) and 0 <= shown.min() and shown.max() <= 1
    figure.canvas.draw()


def test_preload_and_on_corrupt_skip_read_geotiffs(tmp_path):
    root = tmp_path / 'EuroSAT_MS'
    shutil.copytree(ROOT, root)
    bad = root / 'River' / 'River_2.tif'
    bad.write_bytes((root / 'River' / 'River_1.tif').read_bytes()[:3000])
    dataset = EuroSATMS(data_root=str(root), on_corrupt='skip', preload=True,
                         bands=['B02'], pipeline=[dict(LOAD_ALL, expected_bands=1)])
    assert len(dataset) == 10 and [p for p, _ in dataset.skipped_images] == [str(bad)]
    assert dataset.get_data_info(0)['img'].shape == (64, 64, 1)


def test_band_stats_match_numpy():
    dataset = EuroSATMS(data_root=str(ROOT), pipeline=[LOAD_ALL])
    mean, std = dataset_band_stats(dataset)
    stack = np.stack([dataset[i]['img'] for i in range(10)]).reshape(-1, 13).astype(np.float64)
    assert np.allclose(mean, stack.mean(0), rtol=1e-12)
    assert np.allclose(std, stack.std(0), rtol=1e-9)
    sub_mean, _ = dataset_band_stats(dataset, max_images=3)
    assert len(sub_mean) == 13 and not np.allclose(sub_mean, mean)


def test_13_band_uint16_end_to_end():
    """Resize + flip + PackInputs keep 13 uint16 bands; the preprocessor
    normalises per band; a tiny ResNet with 13 input channels runs forward."""
    pipeline = [LOAD_ALL,
                dict(type='Resize', scale=(32, 32), interpolation='bilinear'),
                dict(type='RandomFlip', prob=1.0, direction='horizontal'),
                dict(type='PackInputs')]
    dataset = EuroSATMS(data_root=str(ROOT), pipeline=pipeline)
    raw = EuroSATMS(data_root=str(ROOT), pipeline=[LOAD_ALL])
    sample = dataset[0]
    assert sample['inputs'].shape == (13, 32, 32) and sample['inputs'].dtype == torch.uint16
    # horizontally flipped: the ramp (x + y) now falls along x
    band = sample['inputs'][0].to(torch.int64)
    assert (band[:, 0] > band[:, -1]).all()
    # torch implements few ops for uint16 (no max / sub): cast before arithmetic
    assert sample['inputs'].to(torch.int64).max() > 255  # not cut to 8 bits by Resize

    mean, std = dataset_band_stats(raw)
    model = MODELS.build(dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='MultiBandDataPreprocessor', mean=mean, std=std),
        backbone=dict(type='ResNet', depth=18, in_channels=13, base_channels=8,
                      stem_channels=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64)))
    batch = default_collate([dataset[i] for i in range(4)])
    data = model.data_preprocessor(batch, training=False)
    inputs = data['inputs']
    assert inputs.dtype == torch.float32 and inputs.shape == (4, 13, 32, 32)
    expected = (batch['inputs'].double() - torch.tensor(mean).view(1, -1, 1, 1)) \
        / torch.tensor(std).view(1, -1, 1, 1)
    assert torch.allclose(inputs.double(), expected, atol=1e-4)
    model.eval()
    with torch.no_grad():
        predictions = model(inputs, data['data_samples'], mode='predict')
    assert len(predictions) == 4 and predictions[0].pred_score.shape == (10,)


def test_rgb_only_transforms_are_refused_clearly():
    """Colour transforms and Pillow backends need 8-bit RGB: one error lists them."""
    pipeline = [LOAD_ALL, dict(type='ColorJitter', brightness=0.4),
                dict(type='Resize', scale=32, backend='pillow'),
                dict(type='RandomResizedCrop', scale=32), dict(type='PackInputs')]
    with pytest.raises(ValueError) as info:
        EuroSATMS(data_root=str(ROOT), pipeline=pipeline)
    message = str(info.value)
    assert '#1 ColorJitter' in message and "#2 Resize: backend='pillow'" in message
    assert 'RandomResizedCrop' not in message
    # what the check guards against: mmcv's own failure on a 13-band uint16 array
    from rszoo.registry import TRANSFORMS
    jitter = TRANSFORMS.build(dict(type='ColorJitter', brightness=0.4))
    with pytest.raises(AssertionError, match='uint8'):
        jitter(dict(img=np.zeros((8, 8, 13), np.uint16)))
