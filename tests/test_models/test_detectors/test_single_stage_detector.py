"""SingleStageDetector: the three forward modes on a tiny FCOS detector."""
import pytest
import torch
from mmengine.structures import InstanceData

from rszoo.registry import MODELS
from rszoo.structures import DetDataSample
from rszoo.utils import register_all_modules

register_all_modules()

TINY = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='DetDataPreprocessor', mean=[0.] * 3, std=[255.] * 3,
                           pad_size_divisor=16),
    backbone=dict(type='mmpretrain.ResNet', depth=18, base_channels=8, out_indices=(1, 2, 3)),
    neck=dict(type='FPN', in_channels=[16, 32, 64], out_channels=16, extra_levels=None),
    bbox_head=dict(type='FCOSHead', num_classes=2, in_channels=16, feat_channels=16,
                   stacked_convs=1, norm_groups=4, strides=(8, 16, 32),
                   regress_ranges=((-1, 16), (16, 32), (32, 1e8))),
    test_cfg=dict(score_thr=0.0, max_per_img=7))


def _batch(n=2, size=(60, 64)):
    samples = []
    for i in range(n):
        s = DetDataSample(metainfo=dict(img_shape=size, ori_shape=(size[0] * 2, size[1] * 2),
                                        scale_factor=(0.5, 0.5), img_id=i))
        s.gt_instances = InstanceData(bboxes=torch.tensor([[4., 6., 30., 28.]]),
                                      labels=torch.tensor([i % 2]))
        samples.append(s)
    inputs = [torch.randint(0, 255, (3, *size), dtype=torch.uint8) for _ in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def build(cfg=TINY):
    torch.manual_seed(0)
    return MODELS.build(cfg)


def test_tensor_loss_predict_modes():
    model = build()
    data = model.data_preprocessor(_batch(), training=True)
    assert data['inputs'].shape == (2, 3, 64, 64)  # 60 padded to a multiple of 16
    assert data['data_samples'][0].batch_input_shape == (64, 64)
    cls, bbox, ctr = model(data['inputs'], mode='tensor')
    assert [tuple(c.shape[2:]) for c in cls] == [(8, 8), (4, 4), (2, 2)]
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_bbox', 'loss_centerness'}
    sum(losses.values()).backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model(**model.data_preprocessor(_batch(), False), mode='predict')
    for p in preds:
        inst = p.pred_instances
        assert inst.bboxes.shape[1] == 4 and len(inst) <= 7
        assert set(inst.keys()) == {'bboxes', 'scores', 'labels'}
        # rescaled to the original 120 x 128 image
        assert (inst.bboxes[:, 2] <= 128 + 1e-4).all() and (inst.bboxes[:, 3] <= 120 + 1e-4).all()


def test_train_step_reduces_loss_on_one_batch():
    model = build()
    optim = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    data = model.data_preprocessor(_batch(), training=True)
    first = None
    for _ in range(8):
        loss = sum(model(**data, mode='loss').values())
        first = first if first is not None else loss.item()
        optim.zero_grad()
        loss.backward()
        optim.step()
    assert loss.item() < first


def test_neck_list_and_errors():
    cfg = dict(TINY, neck=[dict(type='FPN', in_channels=[16, 32, 64], out_channels=16,
                                extra_levels=None),
                           dict(type='DAM', channels=16, num_levels=3)])
    model = build(cfg)
    assert isinstance(model.neck, torch.nn.Sequential)
    assert len(model.extract_feat(torch.zeros(1, 3, 64, 64))) == 3
    with pytest.raises(ValueError, match='gt_instances'):
        model.loss(torch.zeros(1, 3, 64, 64), [DetDataSample()])
    with pytest.raises(RuntimeError, match='invalid mode'):
        model(torch.zeros(1, 3, 64, 64), mode='boxes')
