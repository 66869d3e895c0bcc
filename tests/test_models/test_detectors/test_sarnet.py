"""SARNet: FCOS host + UCM + DAM; ablations reduce to the host; configs build."""
import pytest
import torch
from mmengine.config import Config

from rszoo.models.detectors import SARNet, SingleStageDetector
from rszoo.registry import MODELS
from rszoo.utils import register_all_modules

register_all_modules()

HOST = dict(
    data_preprocessor=dict(type='DetDataPreprocessor', pad_size_divisor=32),
    backbone=dict(type='mmpretrain.ResNet', depth=18, base_channels=8, out_indices=(1, 2, 3)),
    neck=dict(type='FPN', in_channels=[16, 32, 64], out_channels=16, extra_levels='p6p7'),
    bbox_head=dict(type='FCOSHead', num_classes=1, in_channels=16, feat_channels=16,
                   stacked_convs=1, norm_groups=4))
UCM = dict(type='UCM', in_channels=16, num_levels=5, norm_groups=4)
DAM = dict(type='DAM', channels=16, num_levels=5, reduction=4)


def test_sarnet_feature_path_and_gradients():
    torch.manual_seed(0)
    model = MODELS.build(dict(type='SARNet', ucm=UCM, dam=DAM, **HOST))
    x = torch.randn(1, 3, 128, 128)
    feats = model.extract_feat(x)
    assert [tuple(f.shape) for f in feats] == [(1, 16, 128 // s, 128 // s)
                                              for s in (8, 16, 32, 64, 128)]
    cls, bbox, ctr = model(x, mode='tensor')
    (sum(c.sum() for c in cls) + sum(b.sum() for b in bbox)).backward()
    for name in ('ucm.mam.align.0.0.weight', 'ucm.mem.embed.4.weight',
                 'dam.attentions.0.attn_w.weight', 'backbone.conv1.weight'):
        assert dict(model.named_parameters())[name].grad.abs().sum() > 0, name


def test_without_modules_sarnet_is_its_host():
    torch.manual_seed(0)
    host = SingleStageDetector(**HOST).eval()
    plain = SARNet(**HOST).eval()
    plain.load_state_dict(host.state_dict())
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        a, b = host(x, mode='tensor'), plain(x, mode='tensor')
    assert all(torch.equal(u, v) for lu, lv in zip(a, b) for u, v in zip(lu, lv))
    with_modules = SARNet(ucm=UCM, dam=DAM, **HOST)
    extra = {k for k in with_modules.state_dict() if k.split('.')[0] in ('ucm', 'dam')}
    assert set(with_modules.state_dict()) - extra == set(host.state_dict())


@pytest.mark.parametrize('name', [
    'sarnet_efficientnet-lite0_fpn_hrsid-mini-24-12_448px_1xb4_20e',
    'fcos_efficientnet-lite0_fpn_hrsid-mini-24-12_448px_1xb4_20e',
    'sarnet_resnet50_fpn_hrsid_800px_1xb8_1x', 'fcos_resnet50_fpn_hrsid_800px_1xb8_1x',
    'sarnet_resnet50_fpn_ssdd_512px_1xb8_1x', 'fcos_resnet50_fpn_ssdd_512px_1xb8_1x'])
def test_configs_build(repo_root, name):
    cfg = Config.fromfile(str(repo_root / 'configs' / 'sarnet' / f'{name}.py'))
    model_cfg = cfg.model.to_dict()
    model_cfg['backbone'].pop('pretrained', None)  # no weight loading in a unit test
    model = MODELS.build(model_cfg)
    assert isinstance(model, SARNet if name.startswith('sarnet') else SingleStageDetector)
    assert cfg.test_evaluator.type == 'CocoMetric'
    if 'hrsid-mini' not in name:  # HRSID / SSDD: no validation split, tested once
        assert cfg.val_dataloader is cfg.val_evaluator is cfg.val_cfg is None
    if name.startswith('sarnet'):
        host = Config.fromfile(str(repo_root / 'configs' / 'sarnet' /
                                   f'{name.replace("sarnet_", "fcos_", 1)}.py'))
        # the same budget: everything but the model is the same
        for key in ('train_dataloader', 'optim_wrapper', 'param_scheduler', 'train_cfg',
                    'randomness'):
            assert cfg[key] == host[key], key
