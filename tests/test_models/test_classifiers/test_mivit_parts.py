"""MIViT's parts on known inputs: OAF formula, encoder / transformer / pyramid / decoder
shapes, softmax focal loss, IAC, the authors' class weights, the multimodal preprocessor."""
import math

import pytest
import torch
import torch.nn.functional as F

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported
from rszoo.models.losses.information_aggregation_loss import MutualInfoEstimator  # noqa: E402
from rszoo.models.losses.softmax_focal_loss import mivit_class_weights  # noqa: E402
from rszoo.models.necks.oriented_attention_fusion import TTOA  # noqa: E402
from rszoo.registry import MODELS  # noqa: E402


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_ttoa_matches_the_formula():
    torch.manual_seed(0)
    ttoa = TTOA(4)
    a, b = torch.rand(2, 4, 5, 5), torch.rand(2, 4, 5, 5)
    pa, pb = ttoa.preprocess(a), ttoa.preprocess(b)
    expected = (pa + torch.sigmoid(ttoa.conv_column(pa)) * pb) + \
        (pa + torch.sigmoid(ttoa.conv_row(pa)) * pb)
    torch.testing.assert_close(ttoa(a, b), expected)
    assert ttoa.conv_column.kernel_size == (3, 1) and ttoa.conv_row.kernel_size == (1, 3)
    oaf = MODELS.build(dict(type='OrientedAttentionFusion', channels=4))
    assert oaf(a, b).shape == (2, 4, 5, 5)
    with pytest.raises(ValueError, match='differ in shape'):
        oaf(a, b[:, :, :4])


def test_alignment_encoder_and_transformer_shapes():
    enc = MODELS.build(dict(type='MIViTAlignmentEncoder', in_channels=(10, 1)))
    xa = [torch.rand(2, 10, s, s) for s in (8, 16, 24)]
    xb = [torch.rand(2, 1, s, s) for s in (8, 16, 24)]
    za, zb = enc(xa, xb)
    assert za.shape == zb.shape == (2, 64, 8, 8)
    torch.testing.assert_close(enc.forward_single(xb, 1), zb)
    assert enc.scale_weights.tolist() == pytest.approx([0.33] * 3)
    with pytest.raises(ValueError, match='2 input scales for 3'):
        enc.forward_single(xa[:2], 0)
    vit = MODELS.build(dict(type='MIViTTransformer'))
    x_vit, tokens = vit(za)
    assert x_vit.shape == (2, 65, 64) and tokens.shape == (2, 64, 64)
    with pytest.raises(ValueError, match='h\\*w=64'):
        vit(torch.rand(2, 64, 4, 4))


def test_pyramid_modes_and_heads():
    xa = [torch.rand(2, 3, s, s) for s in (8, 16, 24)]
    xb = [torch.rand(2, 1, s, s) for s in (8, 16, 24)]
    authors = MODELS.build(dict(type='MIViTCrossScalePyramid', in_channels=(3, 1)))
    assert authors(xa, xb).shape == (2, 192, 8, 8)
    pooled = MODELS.build(dict(type='MIViTCrossScalePyramid', in_channels=(3, 1), scales=(1, ),
                               mode='pooled'))
    assert pooled([torch.rand(2, 3, 1, 1)], [torch.rand(2, 1, 1, 1)]).shape == (2, 64, 1, 1)
    with pytest.raises(ValueError, match='needs scales'):
        MODELS.build(dict(type='MIViTCrossScalePyramid', in_channels=(3, 1), scales=(1, )))
    head = MODELS.build(dict(type='MIViTPyramidHead', num_classes=5))
    probs = head(torch.rand(2, 192, 8, 8))
    torch.testing.assert_close(probs.sum(1), torch.ones(2))
    conv = MODELS.build(dict(type='MIViTConvHead', num_classes=5, softmax=False))
    assert conv(torch.rand(2, 64, 8, 8)).shape == (2, 5)


def test_reconstruction_decoder_rebuilds_every_scale():
    dec = MODELS.build(dict(type='MIViTReconstructionDecoder', in_channels=(3, 1)))
    hats = dec.reconstruct(torch.rand(2, 65, 64))
    assert [[tuple(h.shape) for h in pair] for pair in hats] == [
        [(2, 3, s, s), (2, 1, s, s)] for s in (8, 16, 24)]
    dec.eval()  # no dropout: the same reconstruction again, so the loss is 0
    x_vit = torch.rand(2, 65, 64)
    with torch.no_grad():
        xa = [h for h, _ in dec.reconstruct(x_vit)]
        xb = [h for _, h in dec.reconstruct(x_vit)]
        assert float(dec(x_vit, xa, xb)) == pytest.approx(0.0, abs=1e-12)
        shifted = [x + 0.5 for x in xa]
        # mean over 3 scales of 0.5 * MSE(.., x + 0.5) = 0.5 * 0.25
        assert float(dec(x_vit, shifted, xb)) == pytest.approx(0.125, rel=1e-5)


def test_softmax_focal_loss_on_known_inputs():
    loss = MODELS.build(dict(type='SoftmaxFocalLoss', gamma=2.0))
    logits = torch.tensor([[0.0, 0.0], [2.0, 0.0]])
    target = torch.tensor([0, 0])
    ce = torch.tensor([math.log(2.0), math.log(1 + math.exp(-2.0))])
    expected = ((1 - torch.exp(-ce)) ** 2 * ce).mean()
    torch.testing.assert_close(loss(logits, target), expected)
    plain = MODELS.build(dict(type='SoftmaxFocalLoss', gamma=0.0))
    torch.testing.assert_close(plain(logits, target), F.cross_entropy(logits, target))
    assert mivit_class_weights([100, 100, 10]) == pytest.approx([1.0, 1.0, 6.0])
    with pytest.raises(ValueError, match='\\(N, K\\) logits'):
        loss(logits, target[:1])


def test_information_aggregation_loss_on_known_inputs():
    torch.manual_seed(0)
    mi = MutualInfoEstimator(channels=2, num_pixels=4)
    a, b = torch.rand(3, 2, 2, 2), torch.rand(3, 2, 2, 2)
    u = torch.tanh(mi.fc_a(F.leaky_relu(mi.conv_a(a)).flatten(1)))
    v = torch.tanh(mi.fc_b(F.leaky_relu(mi.conv_b(b)).flatten(1)))

    def soft_ce(x, t):  # nn.CrossEntropyLoss with probability targets, batch mean
        return -(torch.sigmoid(t) * F.log_softmax(torch.sigmoid(x), 1)).sum(1).mean()

    def kl(s, t):  # kl_div(log_softmax s, softmax t, 'mean') / B
        p = F.softmax(t, 1)
        return (p * (p.log() - F.log_softmax(s, 1))).sum() / p.numel() / p.shape[0]

    expected = soft_ce(v, u) + soft_ce(u, v) - kl(u, v) - kl(v, u)
    torch.testing.assert_close(mi(a, b), expected)
    iac = MODELS.build(dict(type='InformationAggregationLoss', channels=2, num_pixels=4,
                            loss_weight=0.1))
    zh, zl, zf = (torch.rand(3, 2, 2, 2) for _ in range(3))
    value = iac(zh, zl, zf)
    manual = 0.1 * (iac.mi_h_l(zh, zl) - 0.5 * iac.mi_f_l(zf, zl) - 0.5 * iac.mi_h_f(zh, zf))
    torch.testing.assert_close(value, manual)
    value.backward()
    assert iac.alpha.grad is not None and iac.beta.grad is not None


def test_information_distribution_flow_is_kl_teacher_to_student_not_detached():
    kd = MODELS.build(dict(type='KDLoss', temperature=1.0, detach_teacher=False))
    student = torch.tensor([[0.2, 0.8]], requires_grad=True)
    teacher = torch.tensor([[1.0, 0.0]], requires_grad=True)
    pt, ps = F.softmax(teacher, 1), F.softmax(student, 1)
    torch.testing.assert_close(kd(student, teacher), (pt * (pt.log() - ps.log())).sum())
    kd(student, teacher).backward()
    assert teacher.grad is not None  # as coded: the teacher is pulled too


def test_multimodal_data_preprocessor_stacks_dicts_and_lists():
    pre = MODELS.build(dict(type='MultimodalDataPreprocessor'))
    out = pre({'inputs': {'hsi': torch.zeros(2, 5, 3, 3, dtype=torch.float64)},
               'data_samples': None})
    assert out['inputs']['hsi'].dtype == torch.float32
    listed = pre({'inputs': [{'hsi': torch.zeros(5, 3, 3)}, {'hsi': torch.ones(5, 3, 3)}]})
    assert listed['inputs']['hsi'].shape == (2, 5, 3, 3)
    with pytest.raises(ValueError, match='different modalities'):
        pre({'inputs': [{'hsi': torch.zeros(5, 3, 3)}, {'lidar': torch.zeros(1, 3, 3)}]})
    with pytest.raises(ValueError, match='shapes'):
        pre({'inputs': {'hsi': [torch.zeros(5, 3, 3), torch.zeros(5, 2, 2)]}})
