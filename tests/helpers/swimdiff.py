"""Shared by the SwiMDiff tests: the configs, a tiny SwiMDiff, a two-view batch with
scene ids and a tiny class-folder data set.
"""
import os.path as osp

import numpy as np
import torch
from mmpretrain.structures import DataSample
from PIL import Image

from conftest import REPO_ROOT


CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'swimdiff')
PRETRAIN_CONFIGS = ('swimdiff_resnet18_aid150_64px_1xb64_20e.py', 'mocov2_resnet18_aid150_64px_1xb64_20e.py')
PROBE_CONFIG = osp.join(CONFIG_DIR, 'linear-probe_resnet18_aid150-20-80_64px_1xb32.py')
FINETUNE_CONFIG = osp.join(CONFIG_DIR, 'finetune_resnet18_aid150-20-80_64px_1xb32.py')


def tiny_cfg(**overrides):
    """SwiMDiff with a ResNet-18 of 8/16/32/64 channels, 16-d keys, a queue of 16."""
    cfg = dict(
        type='SwiMDiff',
        data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=[127.5] * 3,
                               std=[127.5] * 3, to_rgb=True),
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      out_indices=(3, ), zero_init_residual=False),
        neck=dict(type='MoCoV2Neck', in_channels=64, hid_channels=32, out_channels=16),
        head=dict(type='MultiPositiveContrastiveHead', temperature=0.2),
        diffusion_head=dict(type='ConditionalDenoiserHead', cond_channels=64, base_channels=4,
                            channel_mults=(1, 2), emb_dim=16,
                            schedule=dict(type='DDPMSchedule', num_timesteps=50,
                                          beta_start=1e-3, beta_end=0.05)),
        queue_len=16, feat_dim=16, momentum=0.5, scene_matching='mask')
    cfg.update(overrides)
    return cfg


def two_view_batch(n=4, size=32, scenes=(0, 0, 1, 2), seed=0):
    gen = torch.Generator().manual_seed(seed)
    views = [torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=gen)
             for _ in range(2)]
    samples = []
    for i in range(n):
        sample = DataSample()
        sample.set_field(int(scenes[i]), 'scene_id')
        samples.append(sample)
    return dict(inputs=views, data_samples=samples)


def write_folder_dataset(root, sizes=((20, 30), (20, 30), (20, 30))):
    """Class folders a/ (2 images) and b/ (1 image) of distinct random pixels."""
    rng = np.random.default_rng(0)
    arrays = []
    for i, (h, w) in enumerate(sizes):
        folder = root / ('a' if i < 2 else 'b')
        folder.mkdir(exist_ok=True)
        array = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        Image.fromarray(array).save(folder / f'img{i}.png')
        arrays.append(array)
    return arrays
