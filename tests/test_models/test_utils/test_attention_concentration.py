"""``AttentionConcentration`` (DSVA's proposal branch): the crop around the most attended
window.
"""
import pytest
import torch
import torch.nn.functional as F

from rszoo.models.utils import AttentionConcentration
from rszoo.registry import MODELS

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_attention_concentration_crops_the_most_attended_window():
    conc = MODELS.build(dict(type='AttentionConcentration', window_ratio=0.25, top_k=None))
    assert isinstance(conc, AttentionConcentration)
    attention = torch.zeros(1, 1, 4, 4)
    attention[0, 0, 1, 2] = 1.0  # patch row 1, column 2 of a 4 x 4 grid over 32 x 32 px
    images = torch.arange(3 * 32 * 32, dtype=torch.float).view(1, 3, 32, 32)
    out = conc(images, attention)
    # the upsampled peak is centred on pixel (11.5, 19.5): the 8 x 8 window at rows 8..15,
    # columns 16..23 holds the most attention
    assert out['boxes'].tolist() == [[16, 8, 24, 16]]
    assert out['crops'].shape == (1, 3, 32, 32)  # resized to the input size
    same_size = conc.crop(images, out['boxes'], out_size=(8, 8))
    torch.testing.assert_close(same_size, images[:, :, 8:16, 16:24])
    torch.testing.assert_close(out['crops'], F.interpolate(
        images[:, :, 8:16, 16:24], size=(32, 32), mode='bilinear', align_corners=False))


def test_attention_concentration_follows_the_top_attributes():
    attention = torch.zeros(1, 2, 4, 4)
    attention[0, 0, 0, 0] = 1.0   # attribute 0 looks at the top-left corner
    attention[0, 1, 3, 3] = 1.0   # attribute 1 at the bottom-right one
    images = torch.randn(1, 3, 32, 32)
    conc = AttentionConcentration(window_ratio=0.25, top_k=1)
    assert conc(images, attention, torch.tensor([[2., 1.]]))['boxes'].tolist() == [[0, 0, 8, 8]]
    assert conc(images, attention, torch.tensor([[1., 2.]]))['boxes'].tolist() == \
        [[24, 24, 32, 32]]
    with pytest.raises(ValueError, match='scores'):
        conc(images, attention)


@pytest.mark.parametrize('ratio,size', [(0.5, (32, 32)), (0.3, (24, 40)), (1.0, (16, 20)),
                                        ((0.25, 0.75), (30, 18))])
def test_attention_concentration_box_inside_image(ratio, size):
    conc = AttentionConcentration(window_ratio=ratio, top_k=2)
    gen = torch.Generator().manual_seed(1)
    attention = torch.rand(4, 3, 3, 5, generator=gen).flatten(2).softmax(-1).view(4, 3, 3, 5)
    images = torch.randn(4, 3, *size, generator=gen)
    out = conc(images, attention, torch.rand(4, 3, generator=gen))
    boxes = out['boxes']
    wh, ww = conc.window_size(size)
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 1] >= 0).all()
    assert (boxes[:, 2] <= size[1]).all() and (boxes[:, 3] <= size[0]).all()
    assert ((boxes[:, 2] - boxes[:, 0]) == ww).all() and ((boxes[:, 3] - boxes[:, 1]) == wh).all()
    assert out['crops'].shape == (4, 3, *size) and out['summed_map'].shape == (4, 3, 5)
