"""The image-based attribute annotation of configs/dsva/README.md, end to end, offline:
``tools/zeroshot/annotate_attributes.py <DSVA AID config> --model-name <arch> --pretrained
<local checkpoint>`` with a tiny RANDOM open_clip model registered under an architecture
name and saved to ``tmp_path`` as the "local checkpoint", on 30 AID-style class folders of
tiny PNGs (2 a class, under ``$RSZOO_DATA_ROOT/aid-150px`` = ``tmp_path``); then the written
matrix (shape, rows, provenance, z-scoring) is read by the DSVA config's model.

Any internet connection attempt fails the test (``no_network``).
"""
import json
import socket

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from rszoo.datasets import AID
from rszoo.datasets.zeroshot import ClassSplit
from rszoo.models.class_embeddings.attribute_annotation import (CLIP_SOURCE,
                                                                load_attribute_vocabulary,
                                                                zscore_columns)
from rszoo.registry import MODELS

from conftest import load_tool
from helpers.class_embeddings import TINY_CLIP

pytestmark = pytest.mark.usefixtures('single_thread_registry')

CONFIG = 'configs/dsva/dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24_30e.py'
ARCH = 'rszoo-test-tiny-clip'   # registered with open_clip for this test only


@pytest.fixture
def no_network(monkeypatch):
    """Internet sockets refuse to connect; hub libraries are told to stay offline."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(real):
        def connect(self, address, *args, **kwargs):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                raise AssertionError(f'network access attempted: {address}')
            return real(self, address, *args, **kwargs)
        return connect

    monkeypatch.setattr(socket.socket, 'connect', guard(real_connect))
    monkeypatch.setattr(socket.socket, 'connect_ex', guard(real_connect_ex))
    for var in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE', 'HF_DATASETS_OFFLINE'):
        monkeypatch.setenv(var, '1')


@pytest.fixture
def tiny_clip_checkpoint(tmp_path):
    """A tiny random open_clip model registered as ``ARCH``; its state dict saved as the
    local checkpoint. The registration is removed afterwards."""
    import open_clip
    from open_clip import factory
    cfg_dir = tmp_path / 'open_clip_configs'
    cfg_dir.mkdir()
    (cfg_dir / f'{ARCH}.json').write_text(json.dumps(TINY_CLIP))
    open_clip.add_model_config(cfg_dir)
    try:
        torch.manual_seed(0)
        model = open_clip.create_model(ARCH, pretrained=None)
        path = tmp_path / 'tiny_clip.pt'
        torch.save(model.state_dict(), path)
        yield str(path)
    finally:
        factory._MODEL_CONFIGS.pop(ARCH, None)
        if cfg_dir in factory._MODEL_CONFIG_PATHS:
            factory._MODEL_CONFIG_PATHS.remove(cfg_dir)


@pytest.fixture
def tiny_aid_root(tmp_path, monkeypatch):
    """``tmp_path/aid-150px`` with AID's 30 class folders x 2 tiny random PNGs, made the
    data root of the configs (``RSZOO_DATA_ROOT``)."""
    root = tmp_path / 'aid-150px'
    rng = np.random.default_rng(0)
    for name in AID.METAINFO['classes']:
        (root / name).mkdir(parents=True)
        for i in range(2):
            pixels = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f'{name.lower()}_{i + 1}.png')
    monkeypatch.setenv('RSZOO_DATA_ROOT', str(tmp_path))
    return root


def test_image_based_annotation_from_a_local_open_clip_checkpoint(
        no_network, tiny_clip_checkpoint, tiny_aid_root, tmp_path, capsys):
    tool = load_tool('tools/zeroshot/annotate_attributes.py', 'annotate_attributes_e2e')
    out = tmp_path / 'attributes' / 'aid150_clip.npy'
    # the README's command, with the test's architecture, checkpoint and output file
    argv = [CONFIG, '--model-name', ARCH, '--pretrained', tiny_clip_checkpoint,
            '--out', str(out), '--no-progress']
    assert tool.main(argv) == 0
    printed = capsys.readouterr().out
    assert f'{CLIP_SOURCE}: 30 classes x 95 attributes (normalize=none)' in printed

    cfg = Config.fromfile(CONFIG)
    assert cfg.attribute_annotation.dataset.data_root == str(tiny_aid_root)
    split = ClassSplit.from_file(cfg.model.class_split)
    vocabulary = load_attribute_vocabulary(cfg.attribute_annotation.vocabulary)
    raw = np.load(out)
    assert raw.shape == (30, len(vocabulary)) == (30, 95) and raw.dtype == np.float32
    assert np.isfinite(raw).all() and (np.abs(raw) <= 1 + 1e-5).all()  # mean cosines
    assert (out.parent / 'aid150_clip.txt').read_text().split() == list(split.classes)
    assert (out.parent / 'aid150_clip.attributes.txt').read_text().splitlines() == vocabulary
    meta = json.loads((out.parent / 'aid150_clip.meta.json').read_text())
    assert meta['source'] == CLIP_SOURCE and 'RANDOM' not in meta['source']
    assert meta['model_name'] == ARCH and meta['pretrained']['path'] == tiny_clip_checkpoint
    assert meta['normalize'] == 'none'   # the config keeps plain class means in the file
    assert meta['images_per_class'] == {c: 2 for c in split.classes}
    assert meta['num_images'] == 60 and meta['shape'] == [30, 95]

    # the same with --normalize zscore: every attribute column mean 0, std 1 over 30 classes
    out_z = tmp_path / 'attributes' / 'aid150_clip_z.npy'
    assert tool.main([CONFIG, '--model-name', ARCH, '--pretrained', tiny_clip_checkpoint,
                      '--normalize', 'zscore', '--out', str(out_z), '--no-progress']) == 0
    z = np.load(out_z)
    assert json.loads((out.parent / 'aid150_clip_z.meta.json').read_text())[
        'normalize'] == 'zscore'
    np.testing.assert_allclose(z.mean(axis=0), 0., atol=1e-5)
    np.testing.assert_allclose(z.std(axis=0), 1., atol=1e-4)
    np.testing.assert_allclose(z, zscore_columns(raw), rtol=1e-4, atol=1e-4)

    # the DSVA config reads the written file (rows by the .txt sidecar, attribute names by
    # the .attributes.txt sidecar) and z-scores it over its 30 classes
    backbone = dict(cfg.model.backbone, init_cfg=None)  # no ImageNet weights needed here
    model = MODELS.build(dict(cfg.model, backbone=backbone, class_attributes=str(out)))
    assert model.num_classes == 30 and model.num_attributes == 95
    assert model.attribute_names == vocabulary
    assert model.attribute_source == CLIP_SOURCE
    assert model.attribute_normalization == 'zscore'
    np.testing.assert_allclose(model.class_attributes.numpy(), z, rtol=1e-4, atol=1e-4)
    model.eval()
    with torch.no_grad():
        scores = model.predict_scores(torch.randn(2, 3, 128, 128))
    assert scores.shape == (2, 30)
    torch.testing.assert_close(scores.sum(dim=1), torch.ones(2))
