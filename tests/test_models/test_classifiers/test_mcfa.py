"""MCFA (Liu et al., arXiv 2306.06066), the classifier (``rszoo.models.classifiers.MCFA``),
checked against the authors' code (masuqiang/MCFA-Pytorch): every loss term at their
reduction (sums) on hand-computed values, the min-max feature scaler (fitted on the
seen-class training features, stored in the state, applied at test), their
reparameterisation, the GZSL classifier and the separate unseen-only ZSL classifier, the
class subsets and the class-embedding check, on tiny features (fixture ``zsl_files``).
"""
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample
from torch import nn

from rszoo.datasets.zeroshot import ClassSplit, ZSLFeatureDataset
from rszoo.engine.hooks import FitZSLClassifierHook
from rszoo.models.losses import GaussianKLLoss
from rszoo.registry import MODELS


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def tiny_mcfa(zsl_files, **kw):
    cfg = dict(type='MCFA', class_split=zsl_files['split'], class_embedding=zsl_files['emb'],
               visual_dim=16, latent_dim=4, visual_hidden=16, semantic_hidden=8,
               num_seen_samples=20, num_unseen_samples=20, classifier_epochs=10,
               zsl_num_unseen_samples=20, zsl_classifier_epochs=10)
    cfg.update(kw)
    return MODELS.build(cfg)


def train_data(zsl_files, subset='train'):
    data = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset=subset)
    return torch.from_numpy(data.features), torch.from_numpy(data.labels)


def batch(model, feats, labels):
    return model.data_preprocessor(
        dict(inputs=list(feats), data_samples=[DataSample().set_gt_label(int(y))
                                               for y in labels]))


# -------------------------------------------------------------------------- loss terms
class StubEncoder(nn.Module):
    """``mu = x``, ``logvar`` a constant: latents that can be followed by hand."""

    def __init__(self, logvar):
        super().__init__()
        self.logvar = logvar

    def forward(self, x):
        return x, torch.full_like(x, self.logvar)


class Doubler(nn.Module):
    def forward(self, z):
        return 2 * z


def test_mcfa_loss_terms_are_the_authors_sums_by_hand(tmp_path):
    """Every term at the authors' reduction (sums) and weights on a 4-image batch.

    Classes A, B seen, C unseen; class vectors a_A = [1, 0], a_B = [0, 1]. Raw features
    [[2,0],[2,0],[0,4],[0,4]] (A, A, B, B): the min-max scaler fitted on them (min [0, 0],
    max [2, 4]) gives x' = [[1,0],[1,0],[0,1],[0,1]]. Stubs: E_v(x') = (x', logvar 0),
    E_s(a) = (a, logvar ln 4), D_v = D_s = 2 * z, z = mu (no noise). The batch's two
    classes are encoded once each (z_s = [a_A, a_B]):

    - reconstruction: sum|2x' - x'| + sum|2a - a| = 4 + 2 = 6
    - KL (beta 1): visual 1/2 sum x'^2 = 2; semantic per row -1/2 sum(1 + ln4 - mu^2 - 4)
      = 3.5 - ln 4, two rows (one per class, not per image): 7 - 2 ln 4; total 9 - 4 ln 2
    - cross-reconstruction: sum|2a[k(i)] - x'_i| + sum|2x'_i - a[k(i)]| = 4 + 4, x 10 = 80
    - alignment: per image sqrt(|mu_v - mu_s|^2 + |1 - 2|^2 * 2) = sqrt 2, sum 4 sqrt 2
    - cosine similarities are 1 within a class, 0 across; tau = 2:
      v->v: each image -log(e^.5 / (e^.5 + 2)), sum over 4, x 100
      v->s: each image -log(e^.5 / (e^.5 + 1)), sum over 4, x 100
      s->v: each class  -log(e^.5 / (2 e^.5 + 2)), sum over 2, x 10
    """
    classes = ['A', 'B', 'C']
    ClassSplit(dataset='toy', classes=classes, seen=['A', 'B'], unseen=['C'],
               val_unseen=['B'], seed=0, source='test').to_file(tmp_path / 'split.json')
    np.save(tmp_path / 'emb.npy', np.array([[1., 0.], [0., 1.], [1., 1.]], np.float32))
    model = MODELS.build(dict(type='MCFA', class_split=str(tmp_path / 'split.json'),
                              class_embedding=str(tmp_path / 'emb.npy'), visual_dim=2,
                              latent_dim=2))
    model.visual_encoder, model.semantic_encoder = StubEncoder(0.), StubEncoder(math.log(4.))
    model.visual_decoder, model.semantic_decoder = Doubler(), Doubler()
    model.reparameterize = lambda mu, logvar, generator=None: mu
    x = torch.tensor([[2., 0.], [2., 0.], [0., 4.], [0., 4.]])
    y = torch.tensor([0, 0, 1, 1])
    model.fit_feature_scaler(x, y)
    data = batch(model, x, y)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    h = math.exp(0.5)
    expected = dict(
        loss_recon=6.,
        loss_kl=9 - 4 * math.log(2),
        loss_cross_recon=80.,
        loss_align=4 * math.sqrt(2),
        loss_con_vv=100 * 4 * -math.log(h / (h + 2)),
        loss_con_vs=100 * 4 * -math.log(h / (h + 1)),
        loss_con_sv=10 * 2 * -math.log(h / (2 * h + 2)))
    assert set(losses) == set(expected)
    for key, value in expected.items():
        assert losses[key].item() == pytest.approx(value, rel=1e-5, abs=1e-5), key


def test_mcfa_defaults_are_the_authors_weights_without_warm_up(zsl_files):
    model = tiny_mcfa(zsl_files)
    assert (model.beta, model.cross_weight, model.align_weight) == (1.0, 10.0, 1.0)
    assert (model.vv_weight, model.vs_weight, model.sv_weight) == (100.0, 100.0, 10.0)
    assert set(model.warmups.values()) == {0}
    assert model.contrastive.reduction == 'sum' and model.contrastive.temperature == 2.0
    assert model.kl_loss.reduction == model.align_loss.reduction == 'sum'
    assert model.reparameterization == 'mcfa' and model.feature_scaling == 'minmax'


def test_mcfa_loss_gradients_and_optional_warm_up(zsl_files):
    torch.manual_seed(0)
    model = tiny_mcfa(zsl_files, beta_warmup_iters=4)
    feats, labels = train_data(zsl_files)
    model.fit_feature_scaler(feats, labels)
    pick = torch.cat([torch.nonzero(labels == c).flatten()[:3] for c in range(4)])
    data = batch(model, feats[pick], labels[pick])
    model.train()
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    assert losses['loss_kl'].item() == 0.0  # the optional ramp starts at 0 (iteration 0 of 4)
    sum(losses.values()).backward()
    for part in ('visual_encoder', 'visual_decoder', 'semantic_encoder', 'semantic_decoder'):
        assert all(p.grad is not None and p.grad.abs().sum() > 0
                   for p in getattr(model, part).parameters()), part
    assert model.iteration.item() == 1
    # after 2 of 4 iterations beta is half its final value (1); one semantic row per class
    model.iteration.fill_(2)
    kl = model(data['inputs'], data['data_samples'], mode='loss')['loss_kl']
    mu_v, lv_v = model.visual_encoder(model.scale_features(data['inputs']))
    mu_s, lv_s = model.semantic_encoder(model.class_embeddings[:4])
    expected = 0.5 * 1.0 * (GaussianKLLoss()(mu_v, lv_v) + GaussianKLLoss()(mu_s, lv_s))
    assert torch.allclose(kl, expected)


# ------------------------------------------------------------------ scaler
def test_mcfa_min_max_scaler_fitted_on_seen_training_features_used_at_test(zsl_files):
    model = tiny_mcfa(zsl_files)
    feats, labels = train_data(zsl_files)
    test_feats, test_labels = train_data(zsl_files, 'test')
    with pytest.raises(RuntimeError, match='min-max feature scaler is not fitted'):
        model.extract_latent(test_feats)
    data = batch(model, feats[:4], labels[:4])
    with pytest.raises(RuntimeError, match='min-max feature scaler is not fitted'):
        model(data['inputs'], data['data_samples'], mode='loss')
    with pytest.raises(ValueError, match=r"seen-class training features only.*'Forest'"):
        model.fit_feature_scaler(test_feats, test_labels)  # the test set holds unseen classes
    model.fit_feature_scaler(feats, labels)
    low, high = feats.min(0).values, feats.max(0).values
    assert torch.allclose(model.feature_min, low)
    scaled = model.scale_features(feats)
    assert torch.allclose(scaled.min(0).values, torch.zeros(16), atol=1e-6)
    assert torch.allclose(scaled.max(0).values, torch.ones(16), atol=1e-6)
    # the test features go through the same (training) scaler, not one of their own
    expected = model.visual_encoder((test_feats - low) / (high - low))[0]
    assert torch.allclose(model.extract_latent(test_feats), expected, atol=1e-6)
    # stored in the model state: a fresh model loading it scales the same way
    fresh = tiny_mcfa(zsl_files)
    fresh.load_state_dict(model.state_dict())
    assert bool(fresh.feature_scaler_fitted)
    assert torch.allclose(fresh.scale_features(test_feats), model.scale_features(test_feats))
    # a constant dimension gets scale 1 (scikit-learn's MinMaxScaler)
    const = feats.clone()
    const[:, 0] = 3.
    model.fit_feature_scaler(const, labels)
    assert model.feature_scale[0].item() == 1.0
    assert torch.equal(tiny_mcfa(zsl_files, feature_scaling=None).scale_features(feats), feats)


def test_fit_hook_fits_the_scaler_before_training_on_the_training_set(zsl_files):
    model = tiny_mcfa(zsl_files)
    dataset = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    messages = []
    runner = SimpleNamespace(model=model, train_dataloader=SimpleNamespace(dataset=dataset),
                             logger=SimpleNamespace(info=messages.append))
    FitZSLClassifierHook().before_train(runner)
    assert bool(model.feature_scaler_fitted)
    assert torch.allclose(model.feature_min, torch.from_numpy(dataset.features).min(0).values)
    assert 'scaler fitted' in messages[0]


def test_fit_hook_fits_at_each_validation_or_after_the_last_epoch_only():
    """The classifier is fitted where it is scored: every ``val_interval`` epochs (and the
    last) with a validation loop; after the last epoch only without one (the zoo's ZSL
    configs, tested once)."""
    def fitted_epochs(val_loop, max_epochs=6, val_interval=2, interval=None):
        hook, fits = FitZSLClassifierHook(interval=interval), []
        hook._fit = lambda runner: fits.append(runner.epoch + 1)
        for epoch in range(max_epochs):
            runner = SimpleNamespace(
                epoch=epoch, max_epochs=max_epochs, val_loop=val_loop,
                train_loop=SimpleNamespace(val_interval=val_interval, max_epochs=max_epochs))
            hook.after_train_epoch(runner)
        return fits

    assert fitted_epochs(val_loop=object()) == [2, 4, 6]
    assert fitted_epochs(val_loop=None) == [6]
    assert fitted_epochs(val_loop=None, interval=3) == [3, 6]


# ---------------------------------------------------------- reparameterisation
def test_mcfa_reparameterisation_is_the_authors_exp_logvar_one_eps_per_sample(zsl_files):
    model = tiny_mcfa(zsl_files)
    mu = torch.zeros(20000, 4)
    logvar = torch.full((20000, 4), math.log(2.))
    z = model.reparameterize(mu, logvar)
    # one eps per sample: every dimension of a row moves together
    assert torch.allclose(z, z[:, :1].expand_as(z))
    # exp(logvar) = 2 is the spread (the textbook exp(logvar / 2) would be sqrt 2)
    assert z[:, 0].std().item() == pytest.approx(2.0, rel=0.03)
    g = torch.Generator().manual_seed(3)
    eps = torch.randn((3, 1), generator=torch.Generator().manual_seed(3))
    mu3, lv3 = torch.arange(12.).view(3, 4), torch.linspace(-1, 1, 12).view(3, 4)
    assert torch.allclose(model.reparameterize(mu3, lv3, generator=g), mu3 + lv3.exp() * eps)
    standard = tiny_mcfa(zsl_files, reparameterization='standard').reparameterize(mu, logvar)
    assert standard.std(0).mean().item() == pytest.approx(math.sqrt(2), rel=0.03)
    assert not torch.allclose(standard, standard[:, :1].expand_as(standard))
    with pytest.raises(ValueError, match='reparameterization'):
        tiny_mcfa(zsl_files, reparameterization='half')


# ---------------------------------------------------------------- classifiers
def test_mcfa_classifiers_gzsl_all_classes_zsl_unseen_only(zsl_files):
    torch.manual_seed(0)
    model = tiny_mcfa(zsl_files)
    feats, labels = train_data(zsl_files)
    model.fit_feature_scaler(feats, labels)
    with pytest.raises(RuntimeError, match='latent classifiers are not fitted'):
        model(torch.zeros(2, 16), mode='tensor')
    z, y = model.latent_training_set(feats, labels, torch.Generator().manual_seed(0))
    assert z.shape == (4 * 20 + 2 * 20, 4)
    assert torch.bincount(y).tolist() == [20] * 6  # seen from images, unseen from vectors
    z, y = model.latent_training_set(feats, labels, torch.Generator().manual_seed(0), zsl=True)
    assert z.shape == (2 * 20, 4) and sorted(set(y.tolist())) == [4, 5]  # unseen only
    # the authors' choice of seen features: the first n of each class, tiled when fewer
    assert MODELS.get('MCFA')._first_n(torch.tensor([7, 8, 9]), 7).tolist() == \
        [7, 8, 9, 7, 8, 9, 7]
    # what each classifier is trained on
    seen_by = {}
    train_softmax = model._train_softmax

    def spy(z, y, num_outputs, epochs, generator, seed, stream):
        seen_by['zsl' if stream else 'gzsl'] = (y.clone(), num_outputs, epochs)
        return train_softmax(z, y, num_outputs, epochs, generator, seed, stream)

    model._train_softmax = spy
    losses = model.fit_classifier(feats, labels, seed=0)
    assert set(losses) == {'gzsl', 'zsl'}
    y_gzsl, out_gzsl, ep_gzsl = seen_by['gzsl']
    assert (out_gzsl, ep_gzsl) == (6, 10) and sorted(set(y_gzsl.tolist())) == list(range(6))
    y_zsl, out_zsl, ep_zsl = seen_by['zsl']  # local rows of the unseen classes only
    assert (out_zsl, ep_zsl) == (2, 10) and torch.bincount(y_zsl).tolist() == [20, 20]
    assert model.zsl_classifier_weight.shape == (2, 4)
    first = (model.classifier_weight.clone(), model.zsl_classifier_weight.clone())
    model._train_softmax = train_softmax
    model.fit_classifier(feats, labels, seed=0)
    assert torch.equal(first[0], model.classifier_weight)  # deterministic in the seed
    assert torch.equal(first[1], model.zsl_classifier_weight)
    test_feats, _ = train_data(zsl_files, 'test')
    zsl = model.zsl_logits(test_feats[:3])
    assert torch.isinf(zsl[:, :4]).all() and torch.isfinite(zsl[:, 4:]).all()
    expected = torch.nn.functional.linear(model.extract_latent(test_feats[:3]),
                                          model.zsl_classifier_weight,
                                          model.zsl_classifier_bias)
    assert torch.allclose(zsl[:, 4:], expected)
    with torch.no_grad():
        out = model.predict(test_feats[:3])
    assert len(out) == 3 and out[0].pred_score.shape == (6, )
    assert torch.allclose(out[0].pred_score.sum(), torch.tensor(1.))
    assert out[0].zsl_score.shape == (6, ) and out[0].zsl_score[:4].sum() == 0
    assert torch.allclose(out[0].zsl_score.sum(), torch.tensor(1.))
    assert model.extract_latent(torch.zeros(5, 16)).shape == (5, 4)


def test_mcfa_classifier_batches_follow_the_authors(zsl_files):
    """GZSL: shuffled passes without the last incomplete batch (DataLoader drop_last);
    ZSL: ceil(n / 32) full batches per epoch from back-to-back shuffled passes."""
    model = tiny_mcfa(zsl_files, classifier_batch_size=32)
    sizes = []
    real_step = torch.optim.Adam.step

    def counting_step(self, *args, **kwargs):
        sizes.append(1)
        return real_step(self, *args, **kwargs)

    z, y = torch.randn(70, 4), torch.randint(0, 2, (70, ))
    g = torch.Generator().manual_seed(0)
    torch.optim.Adam.step = counting_step
    try:
        model._train_softmax(z, y, 2, 3, g, 0, stream=False)
        gzsl_steps = len(sizes)
        model._train_softmax(z, y, 2, 3, g, 0, stream=True)
        zsl_steps = len(sizes) - gzsl_steps
    finally:
        torch.optim.Adam.step = real_step
    assert gzsl_steps == 3 * (70 // 32)
    assert zsl_steps == 3 * math.ceil(70 / 32)


# --------------------------------------------------------------- subsets, inputs
def test_mcfa_class_subset_speaks_the_data_subsets_vocabulary(zsl_files):
    assert tiny_mcfa(zsl_files).seen_indices == [0, 1, 2, 3]
    for name in ('val', 'val_train', 'val_test'):
        model = tiny_mcfa(zsl_files, class_subset=name)
        assert (model.seen_indices, model.unseen_indices) == ([0, 1, 2], [3]), name
        assert model.zsl_classifier_weight.shape == (1, 4)
    assert tiny_mcfa(zsl_files, class_subset='train').unseen_indices == [4, 5]
    with pytest.raises(ValueError, match="MCFA: class_subset='seen' is not a zero-shot subset; "
                       "expected one of 'train', 'test', 'test_seen', 'test_unseen', 'val', "
                       "'val_train', 'val_test'$"):
        tiny_mcfa(zsl_files, class_subset='seen')


def test_mcfa_class_embedding_rows_must_match(zsl_files, tmp_path):
    np.save(tmp_path / 'bad.npy', np.zeros((5, 8), np.float32))
    with pytest.raises(ValueError, match=r'bad.npy has shape \(5, 8\).*the 6 requested classes'):
        tiny_mcfa(zsl_files, class_embedding=str(tmp_path / 'bad.npy'))
