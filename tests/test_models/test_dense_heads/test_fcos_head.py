"""FCOSHead: output shapes, losses on a known tiny case, decoding of predictions."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import InstanceData
from torchvision.ops import sigmoid_focal_loss

from rszoo.models.dense_heads import FCOSHead
from rszoo.models.dense_heads.fcos_head import centerness_target
from rszoo.utils import register_all_modules

register_all_modules()


def _head(**kwargs):
    cfg = dict(num_classes=2, in_channels=8, feat_channels=8, stacked_convs=1, norm_groups=4,
               strides=(8, ), regress_ranges=((-1, 1e8), ),
               assigner=dict(type='FCOSAssigner', center_sampling=False))
    cfg.update(kwargs)
    return FCOSHead(**cfg)


def test_forward_shapes_and_init():
    head = _head(strides=(8, 16), regress_ranges=((-1, 64), (64, 1e8)))
    cls, bbox, ctr = head([torch.randn(2, 8, 6, 5), torch.randn(2, 8, 3, 3)])
    assert [tuple(c.shape) for c in cls] == [(2, 2, 6, 5), (2, 2, 3, 3)]
    assert [tuple(b.shape) for b in bbox] == [(2, 4, 6, 5), (2, 4, 3, 3)]
    assert [tuple(c.shape) for c in ctr] == [(2, 1, 6, 5), (2, 1, 3, 3)]
    assert head.conv_cls.bias[0].item() == pytest.approx(-math.log(99))
    assert (bbox[0] >= 0).all()  # norm_on_bbox: ReLU'd distances
    assert head.conv_reg.bias.abs().sum() == 0  # mmdetection's init by default
    started = _head(bbox_bias_init=1.0)
    assert started.conv_reg.bias.tolist() == [1.0] * 4


def test_centerness_target_known():
    t = centerness_target(torch.tensor([[1., 1., 1., 1.], [1., 2., 3., 2.]]))
    assert t.tolist() == pytest.approx([1.0, math.sqrt(1 / 3)])


def test_losses_on_known_case():
    """One 2x2 level, stride 8: points (4,4) (12,4) (4,12) (12,12); one box
    0..16 x 0..8 of class 1 holds the two top points."""
    head = _head()
    gt = InstanceData(bboxes=torch.tensor([[0., 0., 16., 8.]]), labels=torch.tensor([1]))
    cls = torch.zeros(1, 2, 2, 2)  # every logit 0 -> p = 0.5
    # perfect boxes for the positives (stride units: targets / 8)
    target = torch.tensor([[4., 4., 12., 4.], [12., 4., 4., 4.]]) / 8
    bbox = torch.zeros(1, 4, 2, 2)
    bbox[0, :, 0, 0], bbox[0, :, 0, 1] = target[0], target[1]
    ctr = torch.zeros(1, 1, 2, 2)
    losses = head.loss_by_feat([cls], [bbox], [ctr], [gt])
    onehot = torch.zeros(4, 2)
    onehot[0, 1] = onehot[1, 1] = 1
    expected_cls = sigmoid_focal_loss(torch.zeros(4, 2), onehot, alpha=0.25, gamma=2.0,
                                      reduction='sum') / 2
    assert losses['loss_cls'].item() == pytest.approx(expected_cls.item())
    assert losses['loss_bbox'].item() == pytest.approx(0.0, abs=1e-6)
    ctr_t = centerness_target(target)  # both sqrt(4/12 * 1) = sqrt(1/3)
    expected_ctr = F.binary_cross_entropy_with_logits(torch.zeros(2), ctr_t)
    assert losses['loss_centerness'].item() == pytest.approx(expected_ctr.item())


def test_losses_without_boxes_and_gradients():
    head = _head()
    feats = [torch.randn(2, 8, 4, 4, requires_grad=True)]
    gts = [InstanceData(bboxes=torch.zeros(0, 4), labels=torch.zeros(0, dtype=torch.long)),
           InstanceData(bboxes=torch.tensor([[2., 2., 20., 30.]]), labels=torch.tensor([0]))]
    losses = head.loss_by_feat(*head(feats), gts)
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    assert feats[0].grad.abs().sum() > 0
    assert head.conv_reg.weight.grad.abs().sum() > 0
    empty = head.loss_by_feat(*head(feats), gts[:1] * 2)
    assert empty['loss_bbox'].item() == 0 and empty['loss_centerness'].item() == 0


def test_predict_decodes_and_rescales():
    head = _head(test_cfg=dict(score_thr=0.3))
    head.eval()
    cls = torch.full((1, 2, 2, 2), -10.)
    cls[0, 1, 1, 0] = 10.          # point (4, 12), class 1
    bbox = torch.zeros(1, 4, 2, 2)
    bbox[0, :, 1, 0] = torch.tensor([2., 3., 4., 5.])  # pixels in eval mode
    ctr = torch.full((1, 1, 2, 2), 10.)
    meta = dict(img_shape=(16, 16), scale_factor=(0.5, 0.25))
    (res, ) = head.predict_by_feat([cls], [bbox], [ctr], [meta], rescale=True)
    assert res.labels.tolist() == [1]
    # box (2, 9, 8, 17) clipped to 16 x 16, then / scale_factor
    assert res.bboxes.tolist() == [[2. / 0.5, 9. / 0.25, 8. / 0.5, 16. / 0.25]]
    assert res.scores.item() == pytest.approx(torch.sigmoid(torch.tensor(10.)).item() ** 2)
