"""The DSVA and MCFA configs run through mmengine's Runner from a working directory
outside the repository.

Every component that reads a class split (``ZeroShotDataset``, ``ZSLFeatureDataset``,
``DSVA``, ``MCFA``, ``ZSLMetric``) goes through ``ClassSplit.from_file``, which resolves a
relative path by ``rszoo.fileio.resolve_path`` (the working directory first, then the
repository root): the configs' ``splits/zsl/aid/aid_25-5_seed0.json`` is found from
anywhere. The outputs the configs name under ``work_dirs/`` (the attribute matrix, the
feature file) are the working directory's, as tools write them.

Tiny and fake: 30 AID class folders of three 24 px images (``$RSZOO_DATA_ROOT`` points at
them), a ViT of width 32 at 32 px, 16-d features; one epoch of two episodes each.
"""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from rszoo.datasets import AID
from rszoo.fileio import REPO_ROOT

SPLIT = 'splits/zsl/aid/aid_25-5_seed0.json'
CLASSES = AID.METAINFO['classes']
TINY_VIT = dict(type='VisionTransformer',
                arch=dict(embed_dims=32, num_layers=1, num_heads=2, feedforward_channels=64),
                img_size=32, patch_size=8, out_type='raw', with_cls_token=True)


@pytest.fixture
def outside(tmp_path, monkeypatch, single_thread_registry):
    """A working directory outside the repository, single-threaded torch."""
    monkeypatch.chdir(tmp_path)
    assert not osp.exists(SPLIT)  # only the repository has the split file
    return tmp_path


def tiny_loop(cfg, work_dir, ways, shots):
    """One epoch of two ``ways`` x ``shots`` episodes, in-process (the configs have no
    validation loop: the caller tests the last epoch once, ``runner.test()``)."""
    cfg.work_dir = str(work_dir)
    cfg.train_dataloader.update(batch_size=ways * shots, num_workers=0)
    cfg.train_dataloader.sampler.update(ways=ways, shots=shots, episodes_per_epoch=2)
    assert cfg.val_dataloader is None
    cfg.test_dataloader.num_workers = 0
    cfg.train_cfg.update(max_epochs=1)
    cfg.default_hooks.checkpoint.interval = 1
    cfg.default_hooks.logger.interval = 1


def test_dsva_config_runs_from_outside_the_repository(outside, monkeypatch):
    rng = np.random.default_rng(0)
    data = outside / 'data'
    for name in CLASSES:
        (data / 'aid-150px' / name).mkdir(parents=True)
        for i in range(3):
            Image.fromarray(rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)).save(
                data / 'aid-150px' / name / f'{name.lower()}_{i}.jpg')
    monkeypatch.setenv('RSZOO_DATA_ROOT', str(data))
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/dsva/dsva_vit-small_aid150-25-5_1xb24.py'))
    assert cfg.model.class_split == cfg.train_dataloader.dataset.class_split == SPLIT
    # the attribute matrix the annotation tool would write under the working directory
    attributes = outside / cfg.model.class_attributes
    attributes.parent.mkdir(parents=True)
    np.save(attributes, rng.random((len(CLASSES), 5)).astype(np.float32))

    cfg.model.backbone = TINY_VIT
    for loader in (cfg.train_dataloader, cfg.test_dataloader):
        loader.dataset.pipeline[1].scale = (32, 32)
    tiny_loop(cfg, outside / 'work', ways=2, shots=2)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()

    expected = osp.join(REPO_ROOT, SPLIT)
    assert runner.model.split.path == expected
    assert runner.train_dataloader.dataset.class_split_file == expected
    assert runner.test_evaluator.metrics[0].dataset_meta['class_split'] == expected
    for key in ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H'):
        assert 0 <= metrics[key] <= 100, key
    assert (outside / 'work' / 'epoch_1.pth').is_file()


def test_mcfa_config_runs_from_outside_the_repository(outside):
    rng = np.random.default_rng(0)
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/mcfa/mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py'))
    assert cfg.model.class_split == cfg.train_dataloader.dataset.class_split == SPLIT
    # the feature file tools/zeroshot/extract_features.py would write under the working
    # directory, and a class-vector file given by a path relative to it
    features = outside / cfg.train_dataloader.dataset.features
    features.parent.mkdir(parents=True)
    labels = np.repeat(np.arange(len(CLASSES)), 6)
    np.savez(features, features=rng.normal(size=(len(labels), 16)).astype(np.float32),
             labels=labels, classes=np.array(CLASSES))
    np.save(outside / 'class_vectors.npy',
            rng.normal(size=(len(CLASSES), 8)).astype(np.float32))

    cfg.model.update(class_embedding='class_vectors.npy', visual_dim=16, latent_dim=4,
                     visual_hidden=16, semantic_hidden=8, num_seen_samples=5,
                     num_unseen_samples=5, classifier_epochs=2, zsl_num_unseen_samples=5,
                     zsl_classifier_epochs=2)
    tiny_loop(cfg, outside / 'work', ways=5, shots=5)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()

    expected = osp.join(REPO_ROOT, SPLIT)
    assert runner.model.split.path == runner.train_dataloader.dataset.split.path == expected
    assert runner.model.class_embeddings.shape == (len(CLASSES), 8)
    for key in ('gzsl/seen', 'gzsl/unseen', 'gzsl/H'):  # MCFA's configs: GZSL (ZSL: zsl_logits)
        assert 0 <= metrics[key] <= 100, key
    assert (outside / 'work' / 'epoch_1.pth').is_file()
