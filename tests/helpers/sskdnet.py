"""Shared by the SSKDNet tests: the config folder, a narrow ResNet-18 SSKDNet, an image
batch and backbone stage maps.
"""
import os.path as osp

import torch
from mmpretrain.structures import DataSample

from conftest import REPO_ROOT


CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'sskdnet')


def tiny_model_cfg(num_classes=5, **overrides):
    """A narrow ResNet-18 SSKDNet (stages of 8/16/32/64 channels)."""
    cfg = dict(
        type='SSKDNet',
        data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=num_classes,
                               mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True),
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      out_indices=(0, 1, 2, 3)),
        neck=dict(type='DynamicFeatureFusion', in_channels=(8, 16, 32, 64), out_channels=24),
        head=dict(type='LinearClsHead', num_classes=num_classes, in_channels=24,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        branch=dict(type='FeatureRestorationHead', in_channels=64, target_channels=8,
                    hidden_channels=16, num_classes=num_classes),
        mask_shuffle=dict(type='BackgroundMaskShuffle', mode='attention', mask_ratio=0.25,
                          grid_size=4),
        kd_loss=dict(type='KDLoss', temperature=4.0, loss_weight=1.0, detach_teacher=True),
    )
    cfg.update(overrides)
    return cfg


def batch(n=2, size=32, num_classes=5, seed=0):
    gen = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 256, (3, size, size), dtype=torch.uint8, generator=gen)
              for _ in range(n)]
    samples = [DataSample().set_gt_label(i % num_classes) for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def stage_maps(n=3, channels=(8, 16, 32), size=16, requires_grad=False):
    torch.manual_seed(2)
    return tuple(
        torch.randn(n, c, size // 2**i, size // 2**i, requires_grad=requires_grad)
        for i, c in enumerate(channels))
