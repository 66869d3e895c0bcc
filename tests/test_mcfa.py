"""MCFA (Liu et al., arXiv 2306.06066) and the zero-shot parts it uses: the VAE
encoder/decoder, the KL / Wasserstein / contrastive losses against hand-computed
values, the feature data set and episodic sampler, the latent classifier, the
ESZSL and DeViSE baselines, and a short ``tools/train.py`` run on tiny features.
"""
import json
import math
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.datasets.zeroshot import ClassSplit, ZSLFeatureDataset
from rszoo.datasets.samplers import EpisodicClassSampler
from rszoo.models.losses import (GaussianKLLoss, SupervisedContrastiveLoss,
                                 WassersteinAlignmentLoss)
from rszoo.models.classifiers import ESZSL, DeViSELinear
from rszoo.models.vae import GaussianMLPEncoder, MLPDecoder
from rszoo.registry import MODELS
from rszoo.utils import register_all_modules

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CLASSES = ['Airport', 'BareLand', 'Beach', 'Desert', 'Forest', 'Pond']


@pytest.fixture(autouse=True, scope='module')
def _setup():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    register_all_modules()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def zsl_files(tmp_path):
    """6 classes (4 seen, 2 unseen; 1 validation-unseen), 20 features each: a
    linear image of the class vector plus noise, so the task is learnable."""
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(6, 8)).astype(np.float32)
    mixing = rng.normal(size=(8, 16)).astype(np.float32)
    labels = np.repeat(np.arange(6), 20)
    feats = emb[labels] @ mixing + 0.1 * rng.normal(size=(120, 16)).astype(np.float32)
    np.savez(tmp_path / 'feats.npz', features=feats, labels=labels, classes=np.array(CLASSES))
    np.save(tmp_path / 'emb.npy', emb)
    ClassSplit(dataset='toy', classes=CLASSES, seen=CLASSES[:4], unseen=CLASSES[4:],
               val_unseen=[CLASSES[3]], seed=0, source='test').to_file(tmp_path / 'split.json')
    return dict(features=str(tmp_path / 'feats.npz'), emb=str(tmp_path / 'emb.npy'),
                split=str(tmp_path / 'split.json'), root=tmp_path)


# ------------------------------------------------------------------ losses
def test_contrastive_loss_same_set_hand_computed():
    # a=[1,0], b=[0,1], c=[1,1]; labels 0,0,1; tau=1, dot product.
    # anchor a: positives {b}: -log(e^0 / (e^0 + e^1)) = log(1 + e); same for b;
    # c has no positive -> no term. Mean = log(1 + e).
    z = torch.tensor([[1., 0.], [0., 1.], [1., 1.]])
    loss = SupervisedContrastiveLoss(temperature=1.0, similarity='dot')(z, torch.tensor([0, 0, 1]))
    assert loss.item() == pytest.approx(math.log(1 + math.e), rel=1e-6)


def test_contrastive_loss_cross_set_hand_computed():
    # anchors a=[1,0] (0), b=[0,1] (1); candidates a (0), c=[1,1] (0), b (1); tau=2, dot.
    # anchor a: s/tau = (.5, .5, 0), positives {a, c}: mean e^.5 / (2e^.5 + 1)
    # anchor b: s/tau = (0, .5, .5), positives {b}:     e^.5 / (1 + 2e^.5)
    # loss = log(2 + e^-.5) for both.
    anchors = torch.tensor([[1., 0.], [0., 1.]])
    cands = torch.tensor([[1., 0.], [1., 1.], [0., 1.]])
    loss = SupervisedContrastiveLoss(temperature=2.0, similarity='dot')(
        anchors, torch.tensor([0, 1]), cands, torch.tensor([0, 0, 1]))
    assert loss.item() == pytest.approx(math.log(2 + math.exp(-0.5)), rel=1e-6)
    # cosine similarity is the dot product of the normalised vectors
    cos = SupervisedContrastiveLoss(temperature=2.0)(anchors * 3, torch.tensor([0, 1]),
                                                     cands * 5, torch.tensor([0, 0, 1]))
    ref = SupervisedContrastiveLoss(temperature=2.0, similarity='dot')(
        anchors, torch.tensor([0, 1]), torch.nn.functional.normalize(cands, dim=1),
        torch.tensor([0, 0, 1]))
    assert torch.allclose(cos, ref)
    with pytest.raises(ValueError, match='candidate_labels'):
        SupervisedContrastiveLoss()(anchors, torch.tensor([0, 1]), cands)


def test_contrastive_loss_gradient_pulls_positives_together():
    z = torch.tensor([[1., 0.], [0.8, 0.6], [0., 1.]], requires_grad=True)
    loss = SupervisedContrastiveLoss(temperature=0.5)(z, torch.tensor([0, 0, 1]))
    loss.backward()
    step = z.detach() - 0.1 * z.grad
    before = torch.cosine_similarity(z[0:1], z[1:2]).item()
    after = torch.cosine_similarity(step[0:1], step[1:2]).item()
    assert after > before


def test_kl_and_wasserstein_hand_computed():
    # KL(N([1,0], diag[1,2]) || N(0,I)) = -1/2[(1+0-1-1) + (1+ln2-0-2)] = 1 - ln2/2
    mu = torch.tensor([[1., 0.]])
    logvar = torch.tensor([[0., math.log(2.)]])
    assert GaussianKLLoss()(mu, logvar).item() == pytest.approx(1 - math.log(2) / 2, rel=1e-6)
    two = GaussianKLLoss(reduction='mean')(mu.repeat(2, 1), logvar.repeat(2, 1))
    assert two.item() == pytest.approx(1 - math.log(2) / 2, rel=1e-6)
    # W2 between N(0, I) and N([3,4], diag[4, 1]): sqrt(25 + (1-2)^2) = sqrt(26)
    w = WassersteinAlignmentLoss()(torch.zeros(1, 2), torch.zeros(1, 2),
                                   torch.tensor([[3., 4.]]), torch.tensor([[math.log(4.), 0.]]))
    assert w.item() == pytest.approx(math.sqrt(26), rel=1e-6)
    with pytest.raises(ValueError, match='differ'):
        WassersteinAlignmentLoss()(torch.zeros(1, 2), torch.zeros(1, 2), torch.zeros(1, 3),
                                   torch.zeros(1, 3))


def test_encoder_decoder_shapes_and_errors():
    enc = GaussianMLPEncoder(in_channels=16, latent_dim=4, hidden_channels=8)
    dec = MLPDecoder(latent_dim=4, out_channels=16, hidden_channels=8)
    mu, logvar = enc(torch.randn(3, 16))
    assert mu.shape == logvar.shape == (3, 4)
    assert dec(enc.sample(mu, logvar)).shape == (3, 16)
    torch.manual_seed(0)
    z = enc.sample(torch.zeros(20000, 1), torch.full((20000, 1), math.log(4.)))
    assert z.std().item() == pytest.approx(2.0, rel=0.05)  # exp(logvar / 2) = 2
    with pytest.raises(ValueError, match=r'expected \(N, 16\)'):
        enc(torch.randn(3, 15))


# ------------------------------------------------------------------ data
def test_feature_dataset_subsets(zsl_files):
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    test = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='test')
    assert set(train.labels) == {0, 1, 2, 3} and len(train) == 4 * 16
    assert np.bincount(test.labels).tolist() == [4, 4, 4, 4, 20, 20]
    assert not set(train.positions) & set(test.positions)
    assert test.metainfo['seen_indices'] == [0, 1, 2, 3]
    assert test.metainfo['unseen_indices'] == [4, 5]
    item = train[0]
    assert item['inputs'].shape == (16, ) and int(item['data_samples'].gt_label) == train.labels[0]
    val_test = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='val_test')
    assert val_test.metainfo['unseen_indices'] == [3]
    assert not {4, 5} & set(val_test.labels)  # test-unseen classes never used for tuning
    with pytest.raises(ValueError, match="ZSLFeatureDataset: subset='all' is not a zero-shot "
                       "subset; expected one of 'train', 'test'"):
        ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='all')


def test_feature_dataset_refuses_other_classes(zsl_files, tmp_path):
    other = tmp_path / 'other.npz'
    np.savez(other, features=np.zeros((2, 4), np.float32), labels=np.array([0, 1]),
             classes=np.array(['a', 'b']))
    with pytest.raises(ValueError, match='classes of .*other.npz differ'):
        ZSLFeatureDataset(str(other), zsl_files['split'])
    with pytest.raises(FileNotFoundError, match='extract_features'):
        ZSLFeatureDataset(str(tmp_path / 'missing.npz'), zsl_files['split'])


def test_episodic_sampler(zsl_files):
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    sampler = EpisodicClassSampler(train, ways=3, shots=5, seed=1)
    indices = list(sampler)
    assert len(indices) == len(sampler) == (64 // 15) * 15
    for start in range(0, len(indices), 15):
        labels = train.labels[indices[start:start + 15]]
        counts = np.bincount(labels, minlength=6)
        assert sorted(counts[counts > 0].tolist()) == [5, 5, 5]
    assert indices == list(EpisodicClassSampler(train, ways=3, shots=5, seed=1))
    sampler.set_epoch(1)
    assert list(sampler) != indices
    with pytest.raises(ValueError, match='only 4 classes'):
        EpisodicClassSampler(train, ways=5, shots=2)


# ------------------------------------------------------------------ MCFA
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
    with pytest.raises(ValueError, match='bad.npy has shape \(5, 8\).*the 6 requested classes'):
        tiny_mcfa(zsl_files, class_embedding=str(tmp_path / 'bad.npy'))


# ------------------------------------------------------------------ baselines
def test_eszsl_closed_form_and_unseen_recovery():
    # 12 classes with 4-d class vectors (the 10 seen ones span the space), features a
    # linear image of the class vector plus noise: ESZSL recovers the 2 unseen classes
    rng = np.random.default_rng(0)
    emb = torch.from_numpy(rng.normal(size=(12, 4)))
    mixing = torch.from_numpy(rng.normal(size=(4, 16)))
    labels = torch.arange(12).repeat_interleave(20)
    feats = emb[labels] @ mixing + 0.05 * torch.from_numpy(rng.normal(size=(240, 16)))
    seen = list(range(10))
    train = labels < 10
    X, y = feats[train], labels[train]
    model = ESZSL(gamma=1.0, lambd=0.1).fit(X, y, emb, seen)
    # eq. 4 written out
    S = emb[:10]
    Y = -torch.ones(len(X), 10, dtype=torch.float64)
    Y[torch.arange(len(X)), y] = 1
    V = torch.inverse(X.T @ X + torch.eye(16, dtype=torch.float64)) @ X.T @ Y @ S @ \
        torch.inverse(S.T @ S + 0.1 * torch.eye(4, dtype=torch.float64))
    assert torch.allclose(model.V, V, atol=1e-8)
    scores = model.scores(feats[~train], emb)[:, 10:]
    accuracy = (scores.argmax(1) + 10 == labels[~train]).float().mean()
    assert accuracy > 0.9
    with pytest.raises(ValueError, match='not a seen class'):
        ESZSL().fit(X[:2], torch.tensor([0, 11]), emb, seen)


def test_devise_hinge_rank_loss_hand_computed():
    # scores (1, 3), true class 0: sum_{c != 0} max(0, 0.5 - 2 + s_c) = max(0, -0.5) + max(0, 1.5)
    scores = torch.tensor([[2.0, 1.0, 3.0]])
    loss = DeViSELinear.hinge_rank_loss(scores, torch.tensor([0]), margin=0.5)
    assert loss.item() == pytest.approx(1.5)


def test_devise_learns_seen_classes(zsl_files):
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    emb = torch.from_numpy(np.load(zsl_files['emb']))
    model = DeViSELinear(epochs=30, lr=1e-2, batch_size=16).fit(
        torch.from_numpy(train.features), torch.from_numpy(train.labels), emb, [0, 1, 2, 3])
    scores = model.scores(torch.from_numpy(train.features), emb)[:, :4]
    assert (scores.argmax(1) == torch.from_numpy(train.labels)).float().mean() > 0.9


# ------------------------------------------------------------------ tools/train.py
def test_train_tool_lowers_loss_and_reports_zsl_metrics(zsl_files):
    work_dir = zsl_files['root'] / 'work'
    options = [
        f'model.class_split={zsl_files["split"]}', f'model.class_embedding={zsl_files["emb"]}',
        'model.visual_dim=16', 'model.latent_dim=4', 'model.visual_hidden=16',
        'model.semantic_hidden=8', 'model.num_seen_samples=20', 'model.num_unseen_samples=20',
        'model.classifier_epochs=5', 'model.beta_warmup_iters=10',
        'model.cross_warmup_iters=10', 'model.align_warmup_iters=10',
        'train_cfg.max_epochs=6', 'train_cfg.val_interval=6',
        'default_hooks.checkpoint.interval=6', 'default_hooks.logger.interval=1',
        'train_dataloader.sampler.ways=4', 'train_dataloader.batch_size=20',
        'optim_wrapper.optimizer.lr=0.001']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [f'{loader}.dataset.features={zsl_files["features"]}',
                    f'{loader}.dataset.class_split={zsl_files["split"]}']
    out = subprocess.run(
        [sys.executable, 'tools/train.py', 'configs/mcfa/mcfa_effnet-lite0-in1k_glove_aid150-25-5.py',
         '--work-dir', str(work_dir), '--cfg-options', *options],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**__import__('os').environ, 'OMP_NUM_THREADS': '1'})
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    records = []
    run = sorted(p for p in work_dir.iterdir() if (p / 'vis_data' / 'scalars.json').exists())[-1]
    with open(run / 'vis_data' / 'scalars.json') as f:
        records = [json.loads(line) for line in f]
    # the total rises while the KL / cross-reconstruction / alignment weights ramp up
    # (warm-up); the reconstruction and contrastive terms, whose weights are fixed, fall
    for key in ('loss_recon', 'loss_con_vs'):
        values = [r[key] for r in records if key in r]
        assert np.mean(values[-3:]) < np.mean(values[:3]), key
    final = [r for r in records if 'zsl/top1' in r][-1]
    for key in ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H'):
        assert 0 <= final[key] <= 100, key
    assert (work_dir / 'epoch_6.pth').exists()


def test_zsl_protocol_linear_baselines_end_to_end(tmp_path):
    """tools/zeroshot/zsl_protocol.py on a linear toy problem (12 classes with 4-d
    class vectors, 8 seen / 2 validation-unseen / 2 unseen): tuned on the
    validation classes, evaluated on the unseen ones, every metric in range."""
    sys.path.insert(0, osp.join(REPO, 'tools', 'zeroshot'))
    import zsl_protocol
    rng = np.random.default_rng(0)
    classes = [f'class{i:02d}' for i in range(12)]
    emb = rng.normal(size=(12, 4)).astype(np.float32)
    labels = np.repeat(np.arange(12), 20)
    feats = emb[labels] @ rng.normal(size=(4, 16)).astype(np.float32) + \
        0.05 * rng.normal(size=(240, 16)).astype(np.float32)
    np.savez(tmp_path / 'feats.npz', features=feats, labels=labels, classes=np.array(classes))
    np.save(tmp_path / 'emb.npy', emb)
    ClassSplit(dataset='toy', classes=classes, seen=classes[:10], unseen=classes[10:],
               val_unseen=classes[8:10], seed=0, source='test').to_file(tmp_path / 'split.json')
    out = tmp_path / 'rows.jsonl'
    rows = zsl_protocol.main(['--features', str(tmp_path / 'feats.npz'),
                              '--splits', str(tmp_path / 'split.json'),
                              '--embeddings', str(tmp_path / 'emb.npy'), '--methods', 'eszsl',
                              '--work-dir', str(tmp_path / 'proto'), '--out', str(out)])
    assert len(rows) == 1 and rows[0]['method'] == 'eszsl'
    for key in ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/ausuc'):
        assert 0 <= rows[0][key] <= 100, key
    assert rows[0]['zsl/top1'] > 80  # 2 unseen classes of a linear problem: recovered
    assert json.loads(out.read_text().splitlines()[0])['method'] == 'eszsl'


@pytest.mark.parametrize('path', sorted(__import__('glob').glob(osp.join(REPO, 'configs', 'mcfa', '*.py'))))
def test_every_mcfa_config_points_at_a_split_and_builds(path, tmp_path):
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    split = ClassSplit.from_file(osp.join(REPO, cfg.model.class_split))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.class_split == cfg.model.class_split, loader
    assert cfg.train_dataloader.batch_size == cfg.train_dataloader.sampler.ways * \
        cfg.train_dataloader.sampler.shots
    emb = tmp_path / 'emb.npy'
    np.save(emb, np.random.default_rng(0).normal(size=(len(split.classes), 12)).astype(np.float32))
    model_cfg = dict(cfg.model, class_split=osp.join(REPO, cfg.model.class_split),
                     class_embedding=str(emb))
    model = MODELS.build(model_cfg)
    assert model.class_embeddings.shape == (len(split.classes), 12)
    assert model.visual_encoder.in_channels == cfg.model.visual_dim


def test_class_matrix_sources_and_errors(zsl_files, tmp_path):
    from rszoo.models.class_embeddings import class_matrix
    emb = np.load(zsl_files['emb'])
    from_array, provider = class_matrix(emb, CLASSES, owner='T')
    assert provider is None and np.array_equal(from_array, emb)
    # a file: rows matched by the sidecar's class names when it has one
    np.save(tmp_path / 'named.npy', emb[::-1])
    (tmp_path / 'named.txt').write_text('\n'.join(CLASSES[::-1]))
    from_file, provider = class_matrix(str(tmp_path / 'named.npy'), CLASSES, owner='T')
    assert np.array_equal(from_file, emb) and provider is not None
    with pytest.raises(ValueError, match=r'T: class embeddings of shape \(5, 8\); expected \(6, D\)'):
        class_matrix(emb[:5], CLASSES, owner='T')
    with pytest.raises(ValueError, match='NaN or infinite'):
        class_matrix(np.full((6, 2), np.nan), CLASSES, owner='T')
    with pytest.raises(FileNotFoundError, match='T: class embeddings file .*missing.npy'):
        class_matrix(str(tmp_path / 'missing.npy'), CLASSES, owner='T')
