"""DAM (SAR-Net's Direction-aware Attention Module): shapes, the row x column
attention product, gradients."""
import pytest
import torch

from rszoo.models.necks import DAM
from rszoo.models.necks.dam import DirectionAwareAttention


def test_attention_maps_are_directional_and_multiply():
    att = DirectionAwareAttention(16, reduction=4, min_channels=4).eval()
    x = torch.randn(2, 16, 6, 9)
    y = att(x)
    a_h, a_w = att.last_maps
    assert a_h.shape == (2, 16, 6, 1) and a_w.shape == (2, 16, 1, 9)
    assert ((a_h > 0) & (a_h < 1)).all() and ((a_w > 0) & (a_w < 1)).all()
    assert torch.allclose(y, x * a_h * a_w)
    res = DirectionAwareAttention(16, reduction=4, min_channels=4, residual=True).eval()
    res.load_state_dict(att.state_dict())
    assert torch.allclose(res(x), x + y)


def test_pooling_sees_rows_and_columns():
    """A bright row changes the row attention of that row only through the
    row statistics: two inputs that differ in one row give different a_h there."""
    torch.manual_seed(0)
    att = DirectionAwareAttention(8, reduction=2, min_channels=4).eval()
    x = torch.zeros(1, 8, 5, 5)
    x2 = x.clone()
    x2[:, :, 2, :] = 3.0
    att(x)
    a_h0, _ = att.last_maps
    att(x2)
    a_h1, _ = att.last_maps
    changed = (a_h1 - a_h0).abs().sum(dim=(0, 1, 3))
    assert changed[2] > 0
    with pytest.raises(ValueError, match='pooling'):
        DirectionAwareAttention(8, pooling='median')


def test_dam_levels_shapes_gradients_and_sharing():
    dam = DAM(channels=16, num_levels=3, reduction=4, pooling='avg+max')
    feats = [torch.randn(2, 16, s, s, requires_grad=True) for s in (16, 8, 4)]
    out = dam(feats)
    assert [o.shape for o in out] == [f.shape for f in feats]
    sum(o.sum() for o in out).backward()
    assert all(f.grad.abs().sum() > 0 for f in feats)
    assert all(a.attn_h.weight.grad.abs().sum() > 0 for a in dam.attentions)
    shared = DAM(channels=16, num_levels=3, share=True)
    assert len(shared.attentions) == 1
    assert sum(p.numel() for p in dam.parameters()) == \
        3 * sum(p.numel() for p in DAM(16, 1, reduction=4).parameters())
    with pytest.raises(ValueError, match='channels'):
        dam([torch.zeros(1, 8, 4, 4)] * 3)
