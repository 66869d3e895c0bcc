"""DetDataPreprocessor: normalise, pad, record the batch shape."""
import torch

from rszoo.models.data_preprocessors import DetDataPreprocessor
from rszoo.structures import DetDataSample


def test_normalise_pad_and_batch_shape():
    pre = DetDataPreprocessor(mean=[10., 20., 30.], std=[2., 2., 2.], bgr_to_rgb=True,
                              pad_size_divisor=32)
    imgs = [torch.full((3, 40, 50), 30, dtype=torch.uint8),
            torch.full((3, 33, 64), 30, dtype=torch.uint8)]
    samples = [DetDataSample(metainfo=dict(img_shape=(40, 50))),
               DetDataSample(metainfo=dict(img_shape=(33, 64)))]
    out = pre(dict(inputs=imgs, data_samples=samples))
    x = out['inputs']
    assert x.shape == (2, 3, 64, 64)
    # channel 0 after the swap is the old channel 2 (all 30): (30 - 10) / 2
    assert x[0, :, 0, 0].tolist() == [10.0, 5.0, 0.0]
    assert x[0, :, 40:, :].abs().sum() == 0 and x[0, :, :, 50:].abs().sum() == 0
    for s in out['data_samples']:
        assert s.batch_input_shape == (64, 64) and s.pad_shape == (64, 64)
    assert out['data_samples'][1].img_shape == (33, 64)
