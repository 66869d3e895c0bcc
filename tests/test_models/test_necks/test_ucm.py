"""UCM (SAR-Net's Unity Compensation Mechanism): MAM, MFM, MEM and the neck."""
import pytest
import torch

from rszoo.models.necks import UCM
from rszoo.models.necks.ucm import (MultiFeatureEmbedding, MultiLevelFusion,
                                    MultiScaleAlignment, resize_to)

SHAPES = [(2, 16, 16, 16), (2, 16, 8, 8), (2, 16, 4, 4)]


def _feats(requires_grad=False):
    g = torch.Generator().manual_seed(0)
    return [torch.randn(*s, generator=g).requires_grad_(requires_grad) for s in SHAPES]


def test_resize_to_pools_down_and_interpolates_up():
    x = torch.arange(16.).view(1, 1, 4, 4)
    assert resize_to(x, (2, 2)).flatten().tolist() == [5., 7., 13., 15.]  # max pooling
    assert resize_to(x, (8, 8)).shape == (1, 1, 8, 8)
    assert resize_to(x, (4, 4)) is x


def test_parts_shapes():
    feats = _feats()
    aligned = MultiScaleAlignment(16, 8, 3, norm_groups=4)(feats, (8, 8))
    assert [tuple(a.shape) for a in aligned] == [(2, 8, 8, 8)] * 3
    mfm = MultiLevelFusion(8, 3, norm_groups=4)
    fused = mfm(aligned)
    assert fused.shape == (2, 8, 8, 8)
    # zero-initialised attention: the levels start with equal weights 1/L
    assert torch.allclose(mfm.last_weights, torch.full((2, 3, 8, 8), 1 / 3))
    out = MultiFeatureEmbedding(8, 16, 3)(fused, feats)
    assert [tuple(o.shape) for o in out] == SHAPES


def test_mem_adds_the_embedded_global_map():
    mem = MultiFeatureEmbedding(1, 1, 2)
    for conv in mem.embed:
        torch.nn.init.ones_(conv.weight)
        torch.nn.init.zeros_(conv.bias)
    fused = torch.ones(1, 1, 2, 2)
    x = [torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 1, 1)]
    out = mem(fused, x)
    assert torch.equal(out[0], torch.ones(1, 1, 4, 4)) and out[1].item() == 1.0


def test_ucm_keeps_shapes_and_every_part_learns():
    ucm = UCM(in_channels=16, num_levels=3, channels=8, norm_groups=4)
    assert ucm.refine_level == 1
    feats = _feats(requires_grad=True)
    out = ucm(feats)
    assert [tuple(o.shape) for o in out] == SHAPES
    sum((o ** 2).sum() for o in out).backward()
    for name in ('mam.align.0.0.weight', 'mfm.refine.0.weight', 'mem.embed.2.weight'):
        assert dict(ucm.named_parameters())[name].grad.abs().sum() > 0, name
    assert all(f.grad.abs().sum() > 0 for f in feats)
    # the fusion reaches across levels: the coarsest output depends on the finest input
    feats = _feats(requires_grad=True)
    (g, ) = torch.autograd.grad(ucm(feats)[2].sum(), [feats[0]])
    assert g.abs().sum() > 0


def test_ucm_errors():
    with pytest.raises(ValueError, match='refine_level'):
        UCM(in_channels=16, num_levels=3, refine_level=3)
    ucm = UCM(in_channels=16, num_levels=3, norm_groups=4)
    with pytest.raises(ValueError, match='levels'):
        ucm(_feats()[:2])
    with pytest.raises(ValueError, match='channels'):
        ucm([torch.zeros(1, 8, 4, 4)] * 3)
