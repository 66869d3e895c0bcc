"""DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing Image
Scene Classification"), the classifier (``rszoo.models.classifiers.DSVA``): branches,
tokens and attention, calibrated stacking, the validation class subset, the frozen
EfficientNet-Lite0 tokens, training steps and the registered parts.

Tiny tensors only (ViT of width 32, 1 layer, 32 px images, 8 px patches; 6 classes, 5
attributes); nothing is downloaded and no data set is read.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from rszoo.datasets.zeroshot import ClassSplit
from rszoo.models.classifiers import DSVA
from rszoo.registry import MODELS

from conftest import REPO_ROOT
from helpers.dsva import CONFIG_DIR, NUM_ATTR, image_batch, tiny_dsva

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_dsva_shapes_tokens_and_attention(dsva_split_file):
    model = tiny_dsva(dsva_split_file)
    assert isinstance(model, DSVA) and model.num_classes == 6 and model.num_attributes == 5
    x = torch.randn(2, 3, 32, 32)
    tokens, hw = model.extract_tokens(x)
    assert tokens.shape == (2, 16, 32) and hw == (4, 4)  # the CLS token is dropped
    out = model.forward_branches(x, proposal=True)
    assert out['mapping']['attention'].shape == (2, NUM_ATTR, 4, 4)
    torch.testing.assert_close(out['mapping']['attention'].sum(dim=(2, 3)), torch.ones(2, 5))
    assert out['mapping']['scores'].shape == (2, NUM_ATTR)
    for branch in ('mapping', 'global', 'proposal'):
        assert out[branch]['logits'].shape == (2, 6)
    torch.testing.assert_close(out['mapping']['logits'],
                               out['mapping']['scores'] @ model.class_attributes.t())
    boxes = out['proposal']['boxes']
    assert (boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= 32).all()
    maps = model.attribute_attention(x)
    assert maps['attention'].shape == (2, NUM_ATTR, 4, 4) and maps['boxes'].shape == (2, 4)
    assert maps['pred_score'].shape == (2, 6)
    assert model(x).shape == (2, 6)  # mode='tensor': test logits
    with pytest.raises(RuntimeError, match='DSVA: invalid mode "feats"'):
        model(x, mode='feats')
    with pytest.raises(ValueError, match='num_attributes=3'):
        tiny_dsva(dsva_split_file,
                  mapping=dict(type='VisualAttributeMapping', num_attributes=3))
    with pytest.raises(ValueError, match='concentration is None'):
        tiny_dsva(dsva_split_file, concentration=None, test_branches=('proposal', ))


def test_calibrated_stacking_moves_predictions_to_unseen(dsva_split_file):
    model = tiny_dsva(dsva_split_file).eval()
    batch = model.data_preprocessor(image_batch(list(range(6)) * 2, seed=3), False)
    unseen = set(model.split.unseen_indices)
    fractions = []
    for gamma in (-1.0, 0.0, 0.1, 0.2, 1.0):
        model.calibration_gamma = gamma
        with torch.no_grad():
            samples = model.predict(batch['inputs'])
        preds = [int(s.pred_label) for s in samples]
        fractions.append(np.mean([p in unseen for p in preds]))
    assert fractions == sorted(fractions)        # more unseen predictions as gamma grows
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    model.calibration_gamma = 0.3
    with torch.no_grad():
        plain = model.logits(batch['inputs']).softmax(1)
        calibrated = model.predict_scores(batch['inputs'])
    seen = model.split.seen_indices
    torch.testing.assert_close(calibrated[:, seen], plain[:, seen] - 0.3)
    torch.testing.assert_close(calibrated[:, sorted(unseen)], plain[:, sorted(unseen)])


def test_class_subset_val_leaves_out_the_unseen_test_classes(dsva_split_file):
    """``class_subset='val'``: seen = seen - val_unseen, unseen = val_unseen; the
    unseen test classes get -inf logits (zero probability) and cannot be trained on."""
    split = ClassSplit.from_file(dsva_split_file)
    assert split.subset_indices('test') == (split.seen_indices, split.unseen_indices)
    assert split.subset_indices('val') == ([0, 1, 2], [3])
    # one vocabulary with the data sets' subsets: each image subset names its classes
    for name in ('train', 'test_seen', 'test_unseen'):
        assert split.subset_indices(name) == split.subset_indices('test'), name
    for name in ('val_train', 'val_test'):
        assert split.subset_indices(name) == ([0, 1, 2], [3]), name
    val_train = tiny_dsva(dsva_split_file, class_subset='val_train')
    assert val_train.seen_indices.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="DSVA: class_subset='all' is not a zero-shot subset; "
                       "expected one of 'train', 'test', 'test_seen', 'test_unseen', 'val', "
                       "'val_train', 'val_test'$"):
        tiny_dsva(dsva_split_file, class_subset='all')
    model = tiny_dsva(dsva_split_file, class_subset='val').eval()
    assert model.seen_indices.tolist() == [0, 1, 2]
    batch = model.data_preprocessor(image_batch([0, 1, 2, 3]), False)
    with torch.no_grad():
        logits = model.logits(batch['inputs'])
        scores = model.predict_scores(batch['inputs'])
    assert torch.isinf(logits[:, 4:]).all() and torch.isfinite(logits[:, :4]).all()
    assert (scores[:, 4:] == 0).all()
    torch.testing.assert_close(scores.sum(dim=1), torch.ones(4))
    model.train()
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    with pytest.raises(ValueError, match='not among the training classes'):
        model.train_step(image_batch([3, 0]), optim)  # val_unseen: not a training class


def test_frozen_efficientnet_lite0_tokens(dsva_split_file):
    """The AID run's backbone: the Lite0 head map at 128 px is a 4 x 4 grid of
    1280-d tokens; frozen_stages=9 leaves it without trainable parameters."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24.py'))
    split = ClassSplit.from_file(osp.join(REPO_ROOT, cfg.model.class_split))
    backbone = dict(cfg.model.backbone, init_cfg=None)  # no weights needed for shapes
    model = MODELS.build(dict(cfg.model, backbone=backbone,
                              class_attributes=np.ones((len(split.classes), 7), np.float32)))
    assert not any(p.requires_grad for p in model.backbone.parameters())
    model.train()
    assert not any(m.training for m in model.backbone.modules()
                   if isinstance(m, torch.nn.BatchNorm2d))
    tokens, hw = model.extract_tokens(torch.randn(2, 3, 128, 128))
    assert tokens.shape == (2, 16, 1280) and hw == (4, 4)
    assert model.mapping.prototypes.shape == (7, 1280)


def test_train_step_lowers_the_loss(dsva_split_file):
    model = tiny_dsva(dsva_split_file)
    model.train()
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-2))
    data = image_batch([0, 1, 2, 3, 0, 1], seed=5)
    first = model.train_step(data, optim)
    assert set(first) >= {'loss', 'loss_compat', 'loss_regress', 'loss_global_compat',
                          'loss_global_regress', 'loss_proposal_compat',
                          'loss_proposal_regress'}
    for _ in range(8):
        last = model.train_step(data, optim)
    assert last['loss'].item() < first['loss'].item() - 0.1
    assert int(model.iteration) == 9
    with pytest.raises(ValueError, match='not among the training classes'):
        model.train_step(image_batch([4, 0]), optim)  # class 4 is unseen


def test_frozen_backbone_and_proposal_start(dsva_split_file):
    model = tiny_dsva(dsva_split_file, freeze_backbone_iters=1, concentration_start_iter=1)
    model.train()
    batch = model.data_preprocessor(image_batch([0, 1, 2]), True)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert 'loss_proposal_compat' not in losses  # before concentration_start_iter
    sum(losses.values()).backward()
    assert all(p.grad is None for p in model.backbone.parameters())
    assert model.mapping.prototypes.grad is not None
    model.zero_grad()
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert 'loss_proposal_compat' in losses
    sum(losses.values()).backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.backbone.parameters())


def test_dsva_components_are_registered():
    for name in ('DSVA', 'VisualAttributeMapping', 'GlobalAttributeHead',
                 'AttentionConcentration', 'SemanticCompatibilityLoss',
                 'SemanticRegressionLoss', 'OpenCLIPVisionTower'):
        assert MODELS.get(name) is not None, name
