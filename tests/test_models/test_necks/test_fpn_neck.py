"""FPN (torchvision's FeaturePyramidNetwork) as a registered neck."""
import pytest
import torch

from rszoo.models.necks import FPN


@pytest.mark.parametrize('extra,levels', [('p6p7', 5), ('pool', 4), (None, 3)])
def test_fpn_levels_and_shapes(extra, levels):
    fpn = FPN(in_channels=[8, 16, 32], out_channels=12, extra_levels=extra)
    feats = [torch.randn(1, 8, 32, 32), torch.randn(1, 16, 16, 16), torch.randn(1, 32, 8, 8)]
    out = fpn(feats)
    assert len(out) == levels == fpn.num_outs
    sizes = [32, 16, 8, 4, 2][:levels]
    assert [tuple(o.shape) for o in out] == [(1, 12, s, s) for s in sizes]


def test_fpn_errors():
    with pytest.raises(ValueError, match='extra_levels'):
        FPN([8], 8, extra_levels='p6')
    fpn = FPN([8, 16], 8, extra_levels=None)
    with pytest.raises(ValueError, match='channels'):
        fpn([torch.zeros(1, 8, 4, 4), torch.zeros(1, 8, 2, 2)])
