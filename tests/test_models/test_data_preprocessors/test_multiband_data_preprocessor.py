"""``MultiBandDataPreprocessor``: per-band mean/std for any band count."""
import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before mmpretrain.models is imported

from mmpretrain.structures import DataSample  # noqa: E402

from rszoo.models.data_preprocessors import MultiBandDataPreprocessor  # noqa: E402
from rszoo.registry import MODELS  # noqa: E402


def batch(channels, dtype=torch.uint16, n=2, size=4):
    values = torch.arange(n * channels * size * size).reshape(n, channels, size, size) * 100
    return dict(inputs=values.to(dtype),
                data_samples=[DataSample().set_gt_label(i % 3) for i in range(n)])


@pytest.mark.parametrize('dtype', [torch.uint16, torch.int16, torch.uint8, torch.float32])
def test_per_band_normalisation_any_dtype(dtype):
    mean = [float(1000 * c) for c in range(13)]
    std = [float(10 + c) for c in range(13)]
    pre = MODELS.build(dict(type='MultiBandDataPreprocessor', mean=mean, std=std))
    assert isinstance(pre, MultiBandDataPreprocessor) and pre.num_bands == 13
    data = batch(13, dtype if dtype != torch.uint8 else torch.int64)
    data['inputs'] = (data['inputs'] % 250 if dtype == torch.uint8 else data['inputs']).to(dtype)
    out = pre(data)
    assert out['inputs'].dtype == torch.float32 and out['inputs'].shape == (2, 13, 4, 4)
    expected = (data['inputs'].double() - torch.tensor(mean).view(1, -1, 1, 1)) \
        / torch.tensor(std).view(1, -1, 1, 1)
    assert torch.allclose(out['inputs'].double(), expected, rtol=1e-6, atol=1e-4)
    assert out['data_samples'][1].gt_label.item() == 1


def test_list_inputs_and_single_value_stats():
    pre = MultiBandDataPreprocessor(mean=[5.0], std=[2.0])
    data = batch(7)
    listed = dict(data, inputs=list(data['inputs']))
    out = pre(listed)
    assert torch.allclose(out['inputs'], (data['inputs'].float() - 5) / 2)


def test_band_count_mismatch_is_a_clear_error():
    pre = MultiBandDataPreprocessor(mean=[1.0, 2.0, 3.0], std=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r'13 band\(s\).*set for 3'):
        pre(batch(13))
    with pytest.raises(ValueError, match='one per band'):
        MultiBandDataPreprocessor(mean=[1.0] * 4, std=[1.0] * 3)
    with pytest.raises(ValueError, match='zero'):
        MultiBandDataPreprocessor(mean=[1.0], std=[0.0])
    with pytest.raises(ValueError, match='to_rgb'):
        MultiBandDataPreprocessor(mean=[0.0] * 4, std=[1.0] * 4, to_rgb=True)
    with pytest.raises(ValueError, match='num_bands=4'):
        MultiBandDataPreprocessor(mean=[0.0] * 3, std=[1.0] * 3, num_bands=4)


def test_three_band_to_rgb_as_mmpretrain():
    pre = MultiBandDataPreprocessor(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], to_rgb=True)
    data = batch(3, torch.uint16)
    out = pre(data)
    assert torch.equal(out['inputs'], data['inputs'].float().flip(1))
