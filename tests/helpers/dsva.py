"""Shared by the DSVA tests: a toy class split (fixture ``dsva_split_file``), a
class-attribute matrix, a tiny ViT and a tiny DSVA, image batches, and 3 class folders of
tiny PNGs (fixture ``dsva_image_folder``).

Registered as a plugin in ``tests/conftest.py`` (``pytest_plugins``) for its fixtures.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample
from PIL import Image

from rszoo.datasets.zeroshot import ClassSplit
from rszoo.registry import MODELS

from conftest import REPO_ROOT


CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'dsva')
CLASSES = [f'class{i}' for i in range(6)]
SEEN, UNSEEN = CLASSES[:4], CLASSES[4:]
NUM_ATTR = 5
TINY_VIT = dict(type='VisionTransformer',
                arch=dict(embed_dims=32, num_layers=1, num_heads=2, feedforward_channels=64),
                img_size=32, patch_size=8, out_type='raw')


@pytest.fixture(scope='module')
def dsva_split_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('dsva_split') / 'split.json'
    ClassSplit(dataset='toy', classes=CLASSES, seen=SEEN, unseen=UNSEEN,
               val_unseen=[SEEN[-1]], seed=0, source='test').to_file(str(path))
    return str(path)


def class_matrix(seed=0):
    return np.random.default_rng(seed).random((len(CLASSES), NUM_ATTR)).astype(np.float32)


def tiny_dsva(dsva_split_file, **overrides):
    torch.manual_seed(0)
    cfg = dict(type='DSVA', class_split=dsva_split_file, class_attributes=class_matrix(),
               backbone=TINY_VIT,
               concentration=dict(type='AttentionConcentration', window_ratio=0.5, top_k=2),
               data_preprocessor=dict(type='ClsDataPreprocessor', mean=[127.5] * 3,
                                      std=[127.5] * 3, to_rgb=True))
    cfg.update(overrides)
    return MODELS.build(cfg)


def image_batch(labels, size=32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 256, (3, size, size), dtype=torch.uint8, generator=gen)
              for _ in labels]
    return dict(inputs=inputs, data_samples=[DataSample().set_gt_label(y) for y in labels])


@pytest.fixture(scope='module')
def dsva_image_folder(tmp_path_factory):
    """3 class folders x 2 tiny PNGs."""
    root = tmp_path_factory.mktemp('dsva_images')
    rng = np.random.default_rng(0)
    for c, name in enumerate(['Beach', 'Forest', 'Port']):
        (root / name).mkdir()
        for i in range(2):
            pixels = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f'{name}_{i}.png')
    return root


def folder_samples(root):
    classes = ['Beach', 'Forest', 'Port']
    return [(str(root / c / f'{c}_{i}.png'), k) for k, c in enumerate(classes)
            for i in range(2)], classes
