"""CLIPZeroShotClassifier (open_clip image + text towers, prompt ensemble) with a
tiny random open_clip model, and configs/clip_zero_shot/clip-zero-shot_vit-b-32_aid150.py.

Nothing is downloaded: the model is built from a config dict with random
weights; "pretrained" weights are state dicts saved here.
"""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.runner.checkpoint import load_state_dict
from mmpretrain.structures import DataSample

from rszoo.datasets.zeroshot import ClassSplit
from rszoo.evaluation.functional import ausuc, gzsl_accuracies, zsl_accuracy
from rszoo.models.classifiers import CLIPZeroShotClassifier
from rszoo.registry import MODELS

from conftest import REPO_ROOT, load_tool

CONFIG = REPO_ROOT / 'configs/clip_zero_shot/clip-zero-shot_vit-b-32_aid150.py'
TINY_CLIP = dict(
    embed_dim=32,
    vision_cfg=dict(image_size=32, layers=1, width=32, head_width=16, patch_size=8),
    text_cfg=dict(context_length=16, vocab_size=49408, width=32, heads=2, layers=1))
CLASSES = ['DenseResidential', 'baseball_field', 'Forest', 'River']
TEMPLATES = ['a satellite image of {}.', 'an aerial photo of a {}.', '{}']
CLIP_MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(3, 1, 1) * 255
CLIP_STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(3, 1, 1) * 255


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def build(seed=0, **kwargs):
    torch.manual_seed(seed)
    cfg = dict(type='CLIPZeroShotClassifier', model_cfg=copy.deepcopy(TINY_CLIP),
               class_names=CLASSES, templates=TEMPLATES)
    cfg.update(kwargs)
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*RANDOM weights')
        return MODELS.build(cfg).eval()


def images(n=3, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n, 3, 32, 32), dtype=torch.uint8, generator=gen)


def normalised(x):
    return (x[:, [2, 1, 0]].float() - CLIP_MEAN) / CLIP_STD  # BGR -> RGB, CLIP mean/std


def test_predict_scores_and_labels():
    model = build()
    assert isinstance(model, CLIPZeroShotClassifier)
    x = normalised(images())
    samples = [DataSample().set_gt_label(i) for i in range(3)]
    with torch.no_grad():
        out = model(x, samples, mode='predict')
        logits = model(x, mode='tensor')
    assert out is samples and logits.shape == (3, len(CLASSES))
    scores = torch.stack([s.pred_score for s in out])
    assert scores.shape == (3, len(CLASSES))
    torch.testing.assert_close(scores.sum(1), torch.ones(3))
    torch.testing.assert_close(scores, logits.softmax(1))
    assert [int(s.pred_label) for s in out] == scores.argmax(1).tolist()
    assert [int(s.gt_label) for s in out] == [0, 1, 2]
    # logits = exp(logit_scale) * cosine(image, class text)
    img = F.normalize(model.clip.encode_image(x), dim=-1)
    cos = img @ model.get_text_embeddings().t()
    with torch.no_grad():
        torch.testing.assert_close(logits, model.clip.logit_scale.exp() * cos)
        fixed = build(logit_scale=50.)
        torch.testing.assert_close(fixed(x, mode='tensor'), 50. * cos)
    # no samples given: new DataSamples
    assert len(model.predict(x)) == 3


def test_text_embeddings_are_normalised_template_means():
    model = build()
    assert model.prompts('DenseResidential') == [
        'a satellite image of dense residential.', 'an aerial photo of a dense residential.',
        'dense residential']
    assert model.prompts('baseball_field')[2] == 'baseball field'
    emb = model.get_text_embeddings()
    assert emb.shape == (len(CLASSES), 32)
    torch.testing.assert_close(emb.norm(dim=1), torch.ones(len(CLASSES)))
    with torch.no_grad():
        for c, name in enumerate(CLASSES):
            tokens = model.tokenizer(model.prompts(name))
            assert tokens.shape == (len(TEMPLATES), 16)  # context_length of the cfg
            per_template = F.normalize(model.clip.encode_text(tokens), dim=-1)
            expected = F.normalize(per_template.mean(0), dim=0)
            torch.testing.assert_close(emb[c], expected)
            # an average of several templates, not one of them
            assert not torch.allclose(emb[c], per_template[0])


def test_text_embeddings_cached_and_recomputed(monkeypatch):
    model = build()
    calls = []
    encode_text = model.clip.encode_text
    monkeypatch.setattr(model.clip, 'encode_text',
                        lambda *a, **k: calls.append(1) or encode_text(*a, **k))
    x = normalised(images(2))
    with torch.no_grad():
        model(x, mode='predict')
        model(x, mode='predict')
        assert len(calls) == 1
        assert 'text_embeddings' not in model.state_dict()  # a non-persistent buffer
        model.class_names = ['Forest', 'River']
        out = model(x, mode='predict')
    assert len(calls) == 2 and out[0].pred_score.shape == (2, )
    assert model.text_embeddings.shape == (2, 32)


def test_pretrained_must_be_a_local_file(tmp_path):
    with pytest.raises(ValueError, match='not a local checkpoint file'):
        build(pretrained='openai')
    with pytest.raises(ValueError, match='not a local checkpoint file'):
        build(pretrained=str(tmp_path / 'missing.bin'))
    with pytest.warns(UserWarning, match='RANDOM weights'):
        MODELS.build(dict(type='CLIPZeroShotClassifier', model_cfg=copy.deepcopy(TINY_CLIP),
                          class_names=CLASSES))
    with pytest.raises(ValueError, match='exactly one of model_name'):
        build(model_name='ViT-B-32')
    with pytest.raises(ValueError, match='exactly one of class_names'):
        build(class_names=None)


def test_loaded_weights_give_identical_logits(tmp_path):
    source = build(seed=1)
    path = tmp_path / 'open_clip_tiny.bin'
    torch.save(source.clip.state_dict(), path)  # a bare open_clip state dict
    x = normalised(images())
    with torch.no_grad():
        expected = source(x, mode='tensor')
        loaded = build(seed=2, pretrained=str(path))
        torch.testing.assert_close(loaded(x, mode='tensor'), expected, rtol=0, atol=0)
        # the path of tools/test.py: mmengine's strict load of the bare state dict into a
        # classifier whose text embeddings are already cached
        other = build(seed=3)
        before = other(x, mode='tensor')
        assert not torch.allclose(before, expected)
        load_state_dict(other, torch.load(path, weights_only=True), strict=True)
        torch.testing.assert_close(other(x, mode='tensor'), expected, rtol=0, atol=0)
        # and the classifier's own state dict
        third = build(seed=4)
        third.load_state_dict(source.state_dict(), strict=True)
        torch.testing.assert_close(third(x, mode='tensor'), expected, rtol=0, atol=0)


def test_preprocessor_end_to_end_on_uint8():
    model = build()
    raw = images(2)
    data = dict(inputs=list(raw), data_samples=[DataSample().set_gt_label(i) for i in (0, 3)])
    out = model.test_step(data)
    assert len(out) == 2 and out[0].pred_score.shape == (len(CLASSES), )
    with torch.no_grad():
        expected = model(normalised(raw), mode='tensor').softmax(1)
    torch.testing.assert_close(torch.stack([s.pred_score for s in out]), expected)
    with pytest.raises(ValueError, match=r'takes \(32, 32\) images'):
        model(torch.zeros(1, 3, 64, 64), mode='tensor')


def test_loss_is_not_implemented():
    model = build()
    with pytest.raises(NotImplementedError, match='zero-shot'):
        model(normalised(images(1)), [DataSample().set_gt_label(0)], mode='loss')


def test_config_builds_with_a_tiny_model():
    cfg = Config.fromfile(CONFIG)
    assert cfg.model.type == 'CLIPZeroShotClassifier' and cfg.model.model_name == 'ViT-B-32'
    assert cfg.model.pretrained is None and 'pretrained=' in CONFIG.read_text()
    assert cfg.test_dataloader.dataset.type == 'AID'
    assert 'split_file' not in cfg.test_dataloader.dataset  # every image
    assert [e['type'] for e in cfg.test_evaluator] == ['Accuracy', 'ZSLMetric']
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.update(model_name=None, model_cfg=copy.deepcopy(TINY_CLIP), templates=TEMPLATES)
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*RANDOM weights')
        model = MODELS.build(model_cfg)
    assert model.num_classes == 30 and model.class_names[8] == 'DenseResidential'
    assert model.data_preprocessor.to_rgb
    torch.testing.assert_close(model.data_preprocessor.mean, CLIP_MEAN)


def test_tools_test_py_with_a_bare_open_clip_checkpoint(tmp_path, aid_root, monkeypatch):
    """tools/test.py CONFIG open_clip_weights.bin --cfg-options model.pretrained=...: a
    subclass of the real config with the tiny model at 32 px on 60 real AID-150px images
    (2 per class); run in-process (without the allocator re-exec)."""
    monkeypatch.setenv('RSZOO_DEFAULT_MALLOC', '1')
    tool = load_tool('tools/test.py', 'rszoo_tools_test')
    weights = tmp_path / 'tiny_open_clip.bin'
    torch.save(build(seed=5).clip.state_dict(), weights)
    config = tmp_path / 'tiny_clip_aid150.py'
    config.write_text(
        f"_base_ = ['{CONFIG}']\n"
        f'model = dict(model_name=None, model_cfg=dict(_delete_=True, **{TINY_CLIP!r}),\n'
        f'             templates={TEMPLATES!r})\n'
        "test_pipeline = [dict(type='LoadRSImage'),\n"
        "                 dict(type='Resize', scale=(32, 32), backend='pillow',\n"
        "                      interpolation='bicubic'), dict(type='PackInputs')]\n"
        f"test_dataloader = dict(batch_size=30, num_workers=0, dataset=dict(\n"
        f"    data_root='{aid_root}', split_file='tests/data/splits/aid_tiny_test.txt',\n"
        "    pipeline=test_pipeline))\n"
        "default_hooks = dict(logger=dict(interval=1))\n")
    preds = tmp_path / 'preds.pkl'
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*RANDOM weights')
        metrics = tool.main([str(config), str(weights), '--work-dir', str(tmp_path / 'work'),
                             '--out', str(preds), '--cfg-options',
                             f'model.pretrained={weights}'])
    assert {'accuracy/top1', 'accuracy/top5', 'zsl/top1', 'gzsl/seen', 'gzsl/unseen',
            'gzsl/H', 'gzsl/ausuc'} <= set(metrics)
    with open(preds, 'rb') as f:
        results = pickle.load(f)
    scores = np.stack([np.asarray(r['pred_score']) for r in results])
    labels = np.array([int(np.asarray(r['gt_label']).reshape(-1)[0]) for r in results])
    assert scores.shape == (60, 30) and np.bincount(labels).tolist() == [2] * 30
    np.testing.assert_allclose(scores.sum(1), 1., rtol=1e-5)
    # the metrics are the functions' values on the dumped predictions
    split = ClassSplit.from_file(str(REPO_ROOT / 'splits/zsl/aid/aid_25-5_seed0.json'))
    seen, unseen = split.seen_indices, split.unseen_indices
    assert metrics['zsl/top1'] == pytest.approx(zsl_accuracy(scores, labels, unseen))
    gzsl = gzsl_accuracies(scores, labels, seen, unseen)
    assert metrics['gzsl/H'] == pytest.approx(gzsl['H'])
    assert metrics['gzsl/ausuc'] == pytest.approx(ausuc(scores, labels, seen, unseen)[0])
    assert metrics['accuracy/top1'] == pytest.approx(100 * np.mean(scores.argmax(1) == labels))
