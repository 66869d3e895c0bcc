"""The configs under ``configs/mcfa/``: each points at a class split and builds."""
import os.path as osp

import numpy as np
import pytest

from rszoo.datasets.zeroshot import ClassSplit
from rszoo.registry import MODELS

from conftest import REPO_ROOT

pytestmark = pytest.mark.usefixtures('single_thread_registry')


@pytest.mark.parametrize('path', sorted(__import__('glob').glob(osp.join(REPO_ROOT, 'configs', 'mcfa', '*.py'))))
def test_every_mcfa_config_points_at_a_split_and_builds(path, tmp_path):
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    split = ClassSplit.from_file(osp.join(REPO_ROOT, cfg.model.class_split))
    for loader in ('train_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.class_split == cfg.model.class_split, loader
    # no validation loop: the test classes are unseen (tuning: zsl_protocol.py's classes)
    assert cfg.val_dataloader is cfg.val_evaluator is cfg.val_cfg is None
    assert cfg.train_dataloader.batch_size == cfg.train_dataloader.sampler.ways * \
        cfg.train_dataloader.sampler.shots
    emb = tmp_path / 'emb.npy'
    np.save(emb, np.random.default_rng(0).normal(size=(len(split.classes), 12)).astype(np.float32))
    model_cfg = dict(cfg.model, class_split=osp.join(REPO_ROOT, cfg.model.class_split),
                     class_embedding=str(emb))
    model = MODELS.build(model_cfg)
    assert model.class_embeddings.shape == (len(split.classes), 12)
    assert model.visual_encoder.in_channels == cfg.model.visual_dim
