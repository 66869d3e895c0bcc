"""FedDiff-style model: the dual-branch diffusion extractor, the low-rank communication module,
the loss on one modality (a client's objective) and on two (central), and the missing-modality
path."""
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.utils import register_all_modules

register_all_modules()
from rszoo.registry import MODELS  # noqa: E402

pytestmark = pytest.mark.usefixtures('single_thread_registry')
SMALL = dict(encoder=dict(embed_dim=16, depth=2, num_groups=4, schedule=dict(num_timesteps=20)),
             comm=dict(rank=4), head=dict(raw_dim=8, hidden_dim=16))


def build(**kw):
    return MODELS.build(dict(type='FedDiff', in_channels=(12, 3), num_classes=5, **{**SMALL,
                                                                                  **kw}))


def batch(n=6, size=1, keys=('hsi', 'lidar')):
    channels = dict(hsi=12, lidar=3)
    inputs = {k: torch.randn(n, channels[k], size, size) for k in keys}
    return inputs, [DataSample().set_gt_label(i % 5) for i in range(n)]


def test_dual_branch_encoder_keeps_the_branches_apart():
    enc = MODELS.build(dict(type='FedDiffDualBranchEncoder', in_channels=(12, 3),
                            branch=dict(embed_dim=8, depth=2, num_groups=4)))
    assert enc.out_channels == (16, 16)
    assert enc.branches[0].blocks[0].frequency.domain == 'spatial'  # FedDiff's Conditioning
    assert enc.branches[0].schedule.num_timesteps == 500
    x = torch.randn(2, 3, 7, 7)
    eps_hat, noise, _ = enc.forward_branch(1, x)
    assert eps_hat.shape == noise.shape == x.shape
    assert enc.features(1, x).shape == (2, 16)
    # no weight is shared: branch 0's parameters get no gradient from branch 1's loss
    enc.forward_branch(1, x)[0].sum().backward()
    assert all(p.grad is None for p in enc.branches[0].parameters())
    with pytest.raises(IndexError):
        enc.features(2, x)


def test_low_rank_communication_module_payload():
    comm = MODELS.build(dict(type='LowRankCommunicationModule', in_channels=(16, 8), rank=4,
                             payload_dtype='float16'))
    code = comm(1, torch.randn(3, 8))
    assert code.shape == (3, 4)
    received = comm.quantise(code)
    assert received.dtype == torch.float32 and torch.allclose(received, code, atol=1e-2)
    assert torch.equal(received, code.half().float())
    with pytest.raises(ValueError, match=r'\(B, 8\)'):
        comm(1, torch.randn(3, 16))
    with pytest.raises(ValueError, match='payload_dtype'):
        MODELS.build(dict(type='LowRankCommunicationModule', in_channels=(4, ), rank=2,
                          payload_dtype='int8'))


@pytest.mark.parametrize('size', [1, 7])
def test_central_loss_has_every_term(size):
    model = build()
    losses = model(*batch(size=size), mode='loss')
    assert set(losses) == {'loss_cls', 'loss_aux_0', 'loss_aux_1', 'loss_diff_0', 'loss_diff_1'}
    sum(losses.values()).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name


def test_one_modality_loss_is_the_client_objective():
    model = build()
    losses = model(*batch(keys=('lidar', )), mode='loss')
    assert set(losses) == {'loss_aux_1', 'loss_diff_1'}  # no fusion term, no HSI term
    sum(losses.values()).backward()
    assert all(p.grad is None for p in model.backbone.branches[0].parameters())
    assert all(p.grad is None for p in model.fusion_head.parameters())
    assert all(p.grad is not None for p in model.backbone.branches[1].parameters())


def test_fused_and_missing_modality_predictions():
    model = build().eval()
    inputs, samples = batch()
    fused = model(inputs, mode='tensor')
    codes = [model.client_code(inputs, i) for i in range(2)]
    torch.testing.assert_close(fused, model.fused_logits(codes))
    lidar_only = {'lidar': inputs['lidar']}
    scores = model(lidar_only, mode='tensor')
    torch.testing.assert_close(scores, model.client_logits(inputs, 1))
    preds = model(lidar_only, [DataSample() for _ in range(6)], mode='predict')
    assert all(0 <= int(s.pred_label) < 5 for s in preds)
    assert all(torch.isclose(s.pred_score.sum(), torch.tensor(1.)) for s in preds)
    # a missing code is zeros in the fusion head
    torch.testing.assert_close(model.fused_logits([None, codes[1]]),
                               model.fused_logits([torch.zeros_like(codes[0]), codes[1]]))


def test_errors():
    with pytest.raises(ValueError, match='pred_head'):
        build(pred_head='sar')
    with pytest.raises(ValueError, match='feature_t'):
        build(feature_t=20)
    with pytest.raises(KeyError, match='needs both'):
        build(pred_head='fused').eval()({'hsi': torch.randn(2, 12, 1, 1)}, mode='tensor')
    with pytest.raises(ValueError, match=r'"hsi" must be \(B, 12'):
        build().eval()({'hsi': torch.randn(2, 11, 1, 1)}, mode='tensor')
