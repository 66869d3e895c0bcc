"""SegDataPreprocessor: per-band normalisation, padding of images and labels together."""
import pytest
import torch
from mmengine.structures import PixelData

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.data_preprocessors import SegDataPreprocessor  # noqa: E402
from rszoo.structures import SegDataSample  # noqa: E402


def data(shapes, bands=4):
    samples = []
    for h, w in shapes:
        s = SegDataSample(metainfo=dict(img_shape=(h, w)))
        s.gt_sem_seg = PixelData(data=torch.ones(1, h, w, dtype=torch.long))
        samples.append(s)
    inputs = [torch.full((bands, h, w), 300, dtype=torch.int32) for h, w in shapes]
    return dict(inputs=inputs, data_samples=samples)


def test_normalise_any_band_count_and_pad_both():
    pre = SegDataPreprocessor(mean=[100, 200, 300, 0], std=[100, 50, 1, 300], pad_val=-1,
                              size_divisor=8)
    out = pre(data([(5, 7), (6, 3)]))
    x, samples = out['inputs'], out['data_samples']
    assert x.shape == (2, 4, 8, 8) and x.dtype == torch.float32
    assert torch.allclose(x[0, :, 0, 0], torch.tensor([2., 2., 0., 1.]))
    assert (x[0, :, 5:] == -1).all() and (x[1, :, :, 3:] == -1).all()
    seg = samples[1].gt_sem_seg.data
    assert seg.shape == (1, 8, 8) and (seg[:, :6, :3] == 1).all()
    assert (seg[:, 6:] == 255).all() and (seg[:, :, 3:] == 255).all()
    assert samples[0].batch_input_shape == (8, 8) and samples[0].img_shape == (5, 7)


def test_fixed_size_and_errors():
    pre = SegDataPreprocessor(size=(10, 10))
    assert pre(data([(4, 4)], bands=2))['inputs'].shape == (1, 2, 10, 10)
    with pytest.raises(ValueError, match='does not fit'):
        pre(data([(12, 4)]))
    with pytest.raises(ValueError, match='3 mean values for an image with 4 bands'):
        SegDataPreprocessor(mean=[0, 0, 0], std=[1])(data([(2, 2)]))
    with pytest.raises(ValueError, match='different band counts'):
        SegDataPreprocessor()(dict(inputs=[torch.zeros(3, 2, 2), torch.zeros(4, 2, 2)]))
