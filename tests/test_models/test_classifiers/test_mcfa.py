"""MCFA (Liu et al., arXiv 2306.06066), the classifier (``rszoo.models.classifiers.MCFA``):
the loss terms and their warm-up, the latent classifier and prediction, the class subsets
and the class-embedding check, on tiny features (fixture ``zsl_files``).
"""
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.datasets.zeroshot import ZSLFeatureDataset
from rszoo.models.losses import GaussianKLLoss
from rszoo.registry import MODELS


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def tiny_mcfa(zsl_files, **kw):
    cfg = dict(type='MCFA', class_split=zsl_files['split'], class_embedding=zsl_files['emb'],
               visual_dim=16, latent_dim=4, visual_hidden=16, semantic_hidden=8,
               num_seen_samples=20, num_unseen_samples=20, classifier_epochs=10)
    cfg.update(kw)
    return MODELS.build(cfg)


def test_mcfa_loss_terms_and_gradients(zsl_files):
    torch.manual_seed(0)
    model = tiny_mcfa(zsl_files, beta_warmup_iters=4)
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    data = model.data_preprocessor(
        dict(inputs=[torch.from_numpy(f) for f in train.features[:12]],
             data_samples=[DataSample().set_gt_label(int(y)) for y in train.labels[:12]]))
    model.train()
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    assert set(losses) == {'loss_recon', 'loss_kl', 'loss_cross_recon', 'loss_align',
                           'loss_con_vv', 'loss_con_vs', 'loss_con_sv'}
    assert losses['loss_kl'].item() == 0.0  # beta ramps from 0 (iteration 0 of 4)
    sum(losses.values()).backward()
    for part in ('visual_encoder', 'visual_decoder', 'semantic_encoder', 'semantic_decoder'):
        assert all(p.grad is not None and p.grad.abs().sum() > 0
                   for p in getattr(model, part).parameters()), part
    assert model.iteration.item() == 1
    # the warm-up: after 2 of 4 iterations beta is half its final value
    model.iteration.fill_(2)
    kl = model(data['inputs'], data['data_samples'], mode='loss')['loss_kl']
    mu_v, lv_v = model.visual_encoder(data['inputs'])
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    mu_s, lv_s = model.semantic_encoder(model.class_embeddings[labels])
    expected = 0.5 * 0.25 * (GaussianKLLoss()(mu_v, lv_v) + GaussianKLLoss()(mu_s, lv_s))
    assert torch.allclose(kl, expected)


def test_mcfa_latent_shapes_classifier_and_prediction(zsl_files):
    torch.manual_seed(0)
    model = tiny_mcfa(zsl_files)
    with pytest.raises(RuntimeError, match='not fitted'):
        model(torch.zeros(2, 16), mode='tensor')
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    feats, labels = torch.from_numpy(train.features), torch.from_numpy(train.labels)
    z, y = model.latent_training_set(feats, labels, torch.Generator().manual_seed(0))
    assert z.shape == (4 * 20 + 2 * 20, 4)
    assert torch.bincount(y).tolist() == [20] * 6  # seen from images, unseen from vectors
    model.fit_classifier(feats, labels, seed=0)
    first = model.classifier_weight.clone()
    model.fit_classifier(feats, labels, seed=0)
    assert torch.equal(first, model.classifier_weight)  # deterministic in the seed
    out = model.predict(torch.from_numpy(train.features[:3]))
    assert len(out) == 3 and out[0].pred_score.shape == (6, )
    assert torch.allclose(out[0].pred_score.sum(), torch.tensor(1.))
    assert model.extract_latent(torch.zeros(5, 16)).shape == (5, 4)


def test_mcfa_class_subset_speaks_the_data_subsets_vocabulary(zsl_files):
    assert tiny_mcfa(zsl_files).seen_indices == [0, 1, 2, 3]
    for name in ('val', 'val_train', 'val_test'):
        model = tiny_mcfa(zsl_files, class_subset=name)
        assert (model.seen_indices, model.unseen_indices) == ([0, 1, 2], [3]), name
    assert tiny_mcfa(zsl_files, class_subset='train').unseen_indices == [4, 5]
    with pytest.raises(ValueError, match="MCFA: class_subset='seen' is not a zero-shot subset; "
                       "expected one of 'train', 'test', 'test_seen', 'test_unseen', 'val', "
                       "'val_train', 'val_test'$"):
        tiny_mcfa(zsl_files, class_subset='seen')


def test_mcfa_class_embedding_rows_must_match(zsl_files, tmp_path):
    np.save(tmp_path / 'bad.npy', np.zeros((5, 8), np.float32))
    with pytest.raises(ValueError, match=r'bad.npy has shape \(5, 8\).*the 6 requested classes'):
        tiny_mcfa(zsl_files, class_embedding=str(tmp_path / 'bad.npy'))
