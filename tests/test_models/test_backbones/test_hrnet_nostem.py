"""HRNetNoStem (DIAnet's backbone: HRNetV2 with no stem, arXiv 2401.03182)."""
import pytest
import torch

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.backbones import HRNetNoStem  # noqa: E402
from rszoo.registry import MODELS  # noqa: E402

SMALL = dict(base_channels=4, stage1_channels=4, stage1_blocks=1, num_modules=(1, 1, 1),
             num_blocks=1)


def test_no_stem_full_resolution_and_odd_branch_sizes():
    net = HRNetNoStem(in_channels=14, **SMALL)
    out = net(torch.randn(2, 14, 100, 100))
    # (stage1, branch0..3): the first two at the input size (no stem), then
    # 50, 25 and 13 px (stride-2 3x3 conv of 25 -> 13, resized back exactly)
    assert [tuple(o.shape) for o in out] == [(2, 16, 100, 100), (2, 4, 100, 100),
                                             (2, 8, 50, 50), (2, 16, 25, 25), (2, 32, 13, 13)]
    assert net.out_channels == (16, 4, 8, 16, 32)


def test_depth_fields_build_the_modules():
    net = HRNetNoStem(in_channels=3, base_channels=4, stage1_channels=2, stage1_blocks=3,
                      num_modules=(2, 1, 3), num_blocks=(1, 2, 3))
    assert len(net.layer1) == 3
    assert [len(stage) for stage in net.stages] == [2, 1, 3]
    assert [len(net.stages[s][0].branches[0]) for s in range(3)] == [1, 2, 3]
    assert [len(net.stages[s][0].branches) for s in range(3)] == [2, 3, 4]


def test_gradients_reach_the_first_layer():
    net = HRNetNoStem(in_channels=4, **SMALL)
    out = net(torch.randn(2, 4, 24, 24))
    sum(o.mean() for o in out).backward()
    assert net.layer1[0].conv1.weight.grad.abs().sum() > 0
    assert net.transitions[2][3][0].weight.grad.abs().sum() > 0  # the coarsest branch


def test_fusion_mixes_every_branch_into_every_branch():
    torch.manual_seed(0)
    net = HRNetNoStem(in_channels=2, **SMALL).eval()
    x = torch.randn(1, 2, 32, 32)
    x2 = x.clone()
    x2[:, :, :2, :2] += 5.  # a corner change reaches all branches through the fusions
    with torch.no_grad():
        a, b = net(x), net(x2)
    assert all(not torch.allclose(u, v) for u, v in zip(a[1:], b[1:]))


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match='num_modules'):
        HRNetNoStem(num_modules=(1, 1))
    with pytest.raises(ValueError, match='num_blocks'):
        HRNetNoStem(num_blocks=(1, 1))
    net = HRNetNoStem(in_channels=4, **SMALL)
    with pytest.raises(ValueError, match=r'\(N, 4, H, W\)'):
        net(torch.randn(1, 3, 16, 16))


def test_paper_size_default_parameter_count():
    """The W48 default with the DIAnet head: 66.0M parameters, as the authors'
    model uses (67.1M built, minus the stale stem and unused layers)."""
    model = MODELS.build(dict(type='EncoderDecoder', backbone=dict(type='HRNetNoStem'),
                              decode_head=dict(type='DIAnetHead')))
    count = sum(p.numel() for p in model.parameters())
    assert count == 66_005_932
    assert sum(p.numel() for p in model.backbone.parameters()) == 65_270_272


@pytest.mark.slow
def test_paper_size_flops_per_tile():
    """One forward of the paper-size model on a 14 x 100 x 100 tile: 126.8 GFLOPs
    (2 x MAC, torch's flop counter; the authors' code: about 127). ~1 min on 2 cores."""
    from torch.utils.flop_counter import FlopCounterMode
    model = MODELS.build(dict(type='EncoderDecoder', backbone=dict(type='HRNetNoStem'),
                              decode_head=dict(type='DIAnetHead'))).eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        logits = model(torch.randn(1, 14, 100, 100))
    assert logits.shape == (1, 11, 100, 100)
    assert counter.get_total_flops() / 1e9 == pytest.approx(126.8, abs=0.1)
