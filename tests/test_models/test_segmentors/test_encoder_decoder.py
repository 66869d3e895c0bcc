"""EncoderDecoder: backbone + decode head, forward modes, inference modes."""
import pytest
import torch
from mmengine.structures import PixelData

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.segmentors import EncoderDecoder  # noqa: E402
from rszoo.models.segmentors.encoder_decoder import _core_windows  # noqa: E402
from rszoo.registry import MODELS  # noqa: E402
from rszoo.structures import SegDataSample  # noqa: E402

SMALL = dict(
    type='EncoderDecoder',
    backbone=dict(type='HRNetNoStem', in_channels=3, base_channels=4, stage1_channels=4,
                  stage1_blocks=1, num_modules=(1, 1, 1), num_blocks=1),
    decode_head=dict(type='DIAnetHead', in_channels=(16, 4, 8, 16, 32), num_classes=3),
    data_preprocessor=dict(type='SegDataPreprocessor', mean=[10, 20, 30], std=[2, 2, 2]))


def make_samples(shapes, k=3):
    out = []
    for h, w in shapes:
        s = SegDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w)))
        s.gt_sem_seg = PixelData(data=torch.randint(0, k, (1, h, w)))
        out.append(s)
    return out


def batch(shapes):
    return dict(inputs=[torch.randint(0, 60, (3, h, w), dtype=torch.uint8) for h, w in shapes],
                data_samples=make_samples(shapes))


def test_forward_modes():
    model = MODELS.build(SMALL)
    assert isinstance(model, EncoderDecoder)
    data = model.data_preprocessor(batch([(16, 16), (16, 16)]), True)
    assert model(data['inputs']).shape == (2, 3, 16, 16)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_acw', 'acc_seg'}
    losses['loss_acw'].backward()
    assert model.backbone.layer1[0].conv1.weight.grad.abs().sum() > 0
    assert model.decode_head.conv_seg.weight.grad.abs().sum() > 0
    with pytest.raises(RuntimeError, match='invalid mode'):
        model(data['inputs'], mode='nope')


def test_predict_crops_the_batch_padding():
    model = MODELS.build(SMALL).eval()
    with torch.no_grad():
        out = model.val_step(batch([(16, 12), (10, 16)]))
    assert out[0].pred_sem_seg.data.shape == (1, 16, 12)
    assert out[1].seg_logits.data.shape == (3, 10, 16)
    assert out[1].gt_sem_seg.data.shape == (1, 16, 16)  # padded with 255 for the batch
    assert (out[1].gt_sem_seg.data[:, 10:] == 255).all()
    assert torch.equal(out[0].pred_sem_seg.data[0], out[0].seg_logits.data.argmax(0))


def test_core_windows_are_the_authors():
    """100 px, 4 cores, 50 px context: 75 px windows at 0, 0, 25, 25 with cores
    at offsets 0, 25, 25, 50 (Image_Patch_adaptive_plus, lib/core/function.py)."""
    assert list(_core_windows(100, 4, 50)) == [(0, 25, 0, 75), (25, 50, 0, 75),
                                               (50, 75, 25, 100), (75, 100, 25, 100)]
    # a remainder goes to the last core; windows never leave the image
    assert list(_core_windows(10, 3, 4)) == [(0, 3, 0, 7), (3, 6, 1, 8), (6, 10, 2, 10)]


@pytest.mark.parametrize('test_cfg', [dict(mode='slide', crop_size=12, stride=8),
                                      dict(mode='core', grid=(4, 4), context=8)])
def test_window_inference_equals_whole_for_a_pointwise_network(test_cfg):
    """With a per-pixel network the windows see exactly what the whole image shows."""
    model = MODELS.build(dict(SMALL, test_cfg=test_cfg)).eval()
    weight = torch.randn(3, 3, 1, 1)
    model.encode_decode = lambda x: torch.nn.functional.conv2d(x, weight)
    x = torch.randn(2, 3, 30, 26)
    assert torch.allclose(model.inference(x), model.encode_decode(x), atol=1e-5)


def test_core_inference_runs_the_network_once_per_core():
    model = MODELS.build(dict(SMALL, test_cfg=dict(mode='core', grid=(4, 4), context=50)))
    sizes = []
    model.encode_decode = lambda x: sizes.append(tuple(x.shape[2:])) or x.new_zeros(
        x.shape[0], 3, *x.shape[2:])
    model.inference(torch.zeros(1, 3, 100, 100))
    assert sizes == [(75, 75)] * 16


def test_test_cfg_errors():
    with pytest.raises(ValueError, match='mode must be one of'):
        MODELS.build(dict(SMALL, test_cfg=dict(mode='tiles')))
    with pytest.raises(ValueError, match="needs \\['context'\\]"):
        MODELS.build(dict(SMALL, test_cfg=dict(mode='core', grid=4)))
