"""Tests of the model zoo: index lookup, get_model, verified downloads, README table.

Downloads go to a real HTTP server on 127.0.0.1 started here (nothing leaves
the machine); every index, config and checkpoint is written to ``tmp_path``.
"""
import hashlib
import importlib.util
import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import torch
import yaml
from torch import nn

from rszoo.apis import download, model_zoo
from rszoo.apis.download import (CheckpointDownloadError, CheckpointHashError,
                                 apply_mirror, download_checkpoint)
from rszoo.apis.model_zoo import (CheckpointLoadError, CheckpointMismatchError,
                                  ModelIndexError, ModelIndexNotFoundError,
                                  NoPublishedWeightsError, UnknownModelError,
                                  find_model_index, get_model, list_models,
                                  load_model_index)
from rszoo.registry import MODELS

from conftest import REPO_ROOT  # noqa: E402
CLASSES = ['airport', 'beach', 'forest']
PAPER = {'Title': 'A Tiny Paper', 'URL': 'https://example.org/tiny-paper'}


class TinyZooNet(nn.Module):
    """A 4 -> 3 linear layer and a BatchNorm (parameters and buffers)."""

    def __init__(self, in_features=4, num_classes=3):
        super().__init__()
        self.fc = nn.Linear(in_features, num_classes)
        self.norm = nn.BatchNorm1d(num_classes)

    def forward(self, x):
        return self.norm(self.fc(x))


MODELS.register_module(name='RsZooTestTinyNet', module=TinyZooNet, force=True)


class NotATensor:
    """An arbitrary class: ``weights_only=True`` must refuse to unpickle it."""


# ------------------------------------------------------------------ helpers
def make_checkpoint(seed=0, in_features=4, with_meta=True):
    """(file bytes, state_dict) of a TinyZooNet checkpoint."""
    torch.manual_seed(seed)
    net = TinyZooNet(in_features=in_features)
    net.norm.running_mean.uniform_()
    state_dict = net.state_dict()
    payload = {'state_dict': state_dict,
               'meta': {'dataset_meta': {'classes': CLASSES}}} if with_meta \
        else state_dict
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue(), state_dict


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_zoo(root: Path, models, collections=None) -> Path:
    """An index at ``root`` importing one metafile; returns the index path."""
    folder = root / 'configs' / 'tiny'
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'tiny_net.py').write_text(
        "model = dict(type='RsZooTestTinyNet', in_features=4, num_classes=3)\n")
    if collections is None:
        collections = [{'Name': 'TinyNet', 'Status': 'done', 'Paper': PAPER}]
    metafile = {'Collections': collections, 'Models': models}
    (folder / 'metafile.yml').write_text(yaml.safe_dump(metafile, sort_keys=False))
    index = root / 'model-index.yml'
    index.write_text('Import:\n  - configs/tiny/metafile.yml\n')
    return index


def entry(name, weights=None, weights_sha256=None, top1=93.1):
    """A model entry in the metafile format."""
    metadata = {'Training Data': 'AID', 'Epochs': 1, 'Batch Size': 2,
                'FLOPs': 24, 'Parameters': 21}
    if weights_sha256 is not None:
        metadata['Weights SHA256'] = weights_sha256
    item = {
        'Name': name,
        'In Collection': 'TinyNet',
        'Config': 'configs/tiny/tiny_net.py',
        'Metadata': metadata,
        'Results': [{'Task': 'Image Classification', 'Dataset': 'AID',
                     'Metrics': {'Top 1 Accuracy': top1}}],
    }
    if weights is not None:
        item['Weights'] = weights
    return item


def cache_files(home: Path):
    """Every file under the cache folder (temporary ones included)."""
    folder = home / 'checkpoints'
    return sorted(p.name for p in folder.rglob('*')) if folder.exists() else []


class WeightsHandler(BaseHTTPRequestHandler):
    """Serves ``server.routes[path] = (kind, body)``; anything else is a 404.

    ``kind`` 'ok' sends the body with its length; 'truncated' announces 100
    bytes more than it sends and closes the connection.
    """

    def do_GET(self):
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404, 'Not Found')
            return
        kind, body = route
        extra = 100 if kind == 'truncated' else 0
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(len(body) + extra))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), WeightsHandler)
    httpd.daemon_threads = True
    httpd.routes, httpd.requests = {}, []
    httpd.base = f'http://127.0.0.1:{httpd.server_address[1]}'
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private RSZOO_HOME and no mirror."""
    folder = tmp_path / 'rszoo_home'
    monkeypatch.setenv('RSZOO_HOME', str(folder))
    monkeypatch.delenv('RSZOO_WEIGHTS_MIRROR', raising=False)
    return folder


def use_index(monkeypatch, index: Path):
    monkeypatch.setenv('RSZOO_MODEL_INDEX', str(index))


# ------------------------------------------------------------------ the index
def test_list_models_patterns(tmp_path, monkeypatch):
    use_index(monkeypatch, write_zoo(tmp_path, [
        entry('tiny_net_aid'), entry('Tiny_Net_NWPU'), entry('resnet_aid')]))
    assert list_models() == ['Tiny_Net_NWPU', 'resnet_aid', 'tiny_net_aid']
    assert list_models('*_aid') == ['resnet_aid', 'tiny_net_aid']
    assert list_models('TINY*') == ['Tiny_Net_NWPU', 'tiny_net_aid']
    assert list_models('tiny_net_?wpu') == ['Tiny_Net_NWPU']
    assert list_models('vit*') == []


def test_unknown_name_lists_close_matches(tmp_path, monkeypatch):
    use_index(monkeypatch, write_zoo(
        tmp_path, [entry('tiny_net_aid'), entry('resnet_aid')]))
    with pytest.raises(UnknownModelError, match='tiny_net_aid') as info:
        get_model('tiny_net_ad')
    assert 'Did you mean' in str(info.value)
    assert str(tmp_path / 'model-index.yml') in str(info.value)
    # lookup is case-insensitive
    assert isinstance(get_model('TINY_NET_AID'), TinyZooNet)


def test_index_search_order_and_config_paths(tmp_path, monkeypatch):
    index = write_zoo(tmp_path / 'checkout', [entry('tiny_net_aid')])
    # the env var may name the file or its folder
    use_index(monkeypatch, index.parent)
    assert find_model_index() == index.resolve()
    info = load_model_index().models['tiny_net_aid']
    assert info.config == str(index.parent / 'configs/tiny/tiny_net.py')
    assert info.collection == 'TinyNet' and info.weights is None

    use_index(monkeypatch, tmp_path / 'nowhere.yml')
    with pytest.raises(ModelIndexNotFoundError, match='nowhere.yml'):
        find_model_index()

    # without the env var: <package>/.mim, then the folder above the package
    monkeypatch.delenv('RSZOO_MODEL_INDEX')
    package = tmp_path / 'site' / 'rszoo'
    package.mkdir(parents=True)
    monkeypatch.setattr(model_zoo, '_PACKAGE_DIR', package)
    with pytest.raises(ModelIndexNotFoundError) as error:
        find_model_index()
    message = str(error.value)
    assert str(package / '.mim' / 'model-index.yml') in message
    assert str(package.parent / 'model-index.yml') in message
    assert 'RSZOO_MODEL_INDEX' in message
    (package.parent / 'model-index.yml').write_text('Import: []\n')
    assert find_model_index() == package.parent / 'model-index.yml'
    (package / '.mim').mkdir()
    (package / '.mim' / 'model-index.yml').write_text('Import: []\n')
    assert find_model_index() == package / '.mim' / 'model-index.yml'


def test_malformed_index_errors(tmp_path, monkeypatch):
    index = write_zoo(tmp_path, [entry('a'), entry('A')])
    use_index(monkeypatch, index)
    with pytest.raises(ModelIndexError, match="'A' is used twice in"):
        list_models()
    item = entry('a')
    item['In Collection'] = 'Missing'
    write_zoo(tmp_path, [item])
    with pytest.raises(ModelIndexError, match='Missing'):
        list_models()
    write_zoo(tmp_path, [entry('a', weights_sha256='abc')])
    with pytest.raises(ModelIndexError, match='64 hex digits'):
        list_models()


def test_modelindex_package_reads_the_same_files(tmp_path):
    modelindex = pytest.importorskip('modelindex')
    index = write_zoo(tmp_path, [entry('tiny_net_aid', weights_sha256='0' * 64)])
    loaded = modelindex.load(str(index))
    assert [m.name for m in loaded.models] == ['tiny_net_aid']
    assert [c.name for c in loaded.collections] == ['TinyNet']


# ------------------------------------------------------------------ get_model
def test_entry_without_weights(tmp_path, monkeypatch, home):
    use_index(monkeypatch, write_zoo(tmp_path, [entry('tiny_net_aid')]))
    with pytest.raises(NoPublishedWeightsError,
                       match="No weights are published for 'tiny_net_aid'"):
        get_model('tiny_net_aid', pretrained=True)
    model = get_model('tiny_net_aid', pretrained=False)
    assert isinstance(model, TinyZooNet) and not model.training
    assert model.cfg.model.type == 'RsZooTestTinyNet'
    assert model.dataset_meta == {}
    # kwargs go into the model config
    assert get_model('tiny_net_aid', in_features=6).fc.in_features == 6
    assert cache_files(home) == []


def test_mmpretrain_classifier_gets_top_level_data_preprocessor(
        tmp_path, monkeypatch):
    index = write_zoo(tmp_path, [entry('lenet_aid')])
    (tmp_path / 'configs/tiny/tiny_net.py').write_text(
        "model = dict(type='mmpretrain.ImageClassifier',\n"
        "             backbone=dict(type='mmpretrain.LeNet5'),\n"
        "             neck=dict(type='mmpretrain.GlobalAveragePooling'),\n"
        "             head=dict(type='mmpretrain.LinearClsHead', num_classes=3,\n"
        "                       in_channels=120))\n"
        "data_preprocessor = dict(num_classes=3, mean=[1., 2., 3.],\n"
        "                         std=[4., 5., 6.])\n")
    use_index(monkeypatch, index)
    model = get_model('lenet_aid', head=dict(num_classes=5))
    assert model.data_preprocessor.mean.flatten().tolist() == [1., 2., 3.]
    logits = model(torch.zeros(2, 1, 32, 32), mode='tensor')  # LeNet5: 1 channel
    assert logits.shape == (2, 5)


def test_local_checkpoint_and_mismatch(tmp_path, monkeypatch, home):
    use_index(monkeypatch, write_zoo(tmp_path, [entry('tiny_net_aid')]))
    good_bytes, saved = make_checkpoint(seed=1, with_meta=False)
    good = tmp_path / 'bare_state_dict.pth'
    good.write_bytes(good_bytes)
    model = get_model('tiny_net_aid', pretrained=str(good))
    for key, value in saved.items():
        assert torch.equal(model.state_dict()[key], value), key

    wrong_bytes, _ = make_checkpoint(in_features=5)
    wrong = tmp_path / 'other_model.pth'
    payload = torch.load(io.BytesIO(wrong_bytes), weights_only=True)
    payload['state_dict']['extra.weight'] = torch.zeros(2)
    del payload['state_dict']['norm.bias']
    torch.save(payload, wrong)
    with pytest.raises(CheckpointMismatchError) as error:
        get_model('tiny_net_aid', pretrained=wrong)
    message = str(error.value)
    assert str(wrong) in message and "'tiny_net_aid'" in message
    assert 'fc.weight: checkpoint (3, 5) vs model (3, 4)' in message
    assert 'unexpected key(s)' in message and 'extra.weight' in message
    assert 'missing key(s)' in message and 'norm.bias' in message

    with pytest.raises(FileNotFoundError, match='no such file'):
        get_model('tiny_net_aid', pretrained=str(tmp_path / 'absent.pth'))


def test_checkpoint_with_arbitrary_objects_is_refused(tmp_path, monkeypatch):
    use_index(monkeypatch, write_zoo(tmp_path, [entry('tiny_net_aid')]))
    _, state_dict = make_checkpoint()
    path = tmp_path / 'pickled_object.pth'
    torch.save({'state_dict': state_dict, 'meta': {'obj': NotATensor()}}, path)
    with pytest.raises(CheckpointLoadError, match='weights_only=True') as error:
        get_model('tiny_net_aid', pretrained=path)
    assert 'test_model_zoo.NotATensor' in str(error.value)


# ------------------------------------------------------------------ downloads
def test_download_success_then_cache_hit(tmp_path, monkeypatch, home, server):
    body, saved = make_checkpoint(seed=2)
    name = f'tiny_net_aid_20261125-{sha256(body)[:8]}.pth'
    server.routes[f'/weights/{name}'] = ('ok', body)
    use_index(monkeypatch, write_zoo(tmp_path, [entry(
        'tiny_net_aid', weights=f'{server.base}/weights/{name}',
        weights_sha256=sha256(body))]))

    model = get_model('tiny_net_aid', pretrained=True)
    assert cache_files(home) == [name]
    assert (home / 'checkpoints' / name).read_bytes() == body
    for key, value in saved.items():
        assert torch.equal(model.state_dict()[key], value), key
    assert model.dataset_meta == {'classes': CLASSES}
    assert model._dataset_meta == {'classes': CLASSES}

    # the second time the verified cached file is used: no request
    get_model('tiny_net_aid', pretrained=True)
    assert server.requests == [f'/weights/{name}']

    # a cached file that no longer matches is an error, and is left alone
    (home / 'checkpoints' / name).write_bytes(body[:-10] + b'0' * 10)
    with pytest.raises(CheckpointHashError, match='Delete it') as error:
        get_model('tiny_net_aid', pretrained=True)
    assert str(home / 'checkpoints' / name) in str(error.value)
    assert len(server.requests) == 1


def test_http_404(tmp_path, home, server):
    url = f'{server.base}/weights/absent-0123abcd.pth'
    with pytest.raises(CheckpointDownloadError, match='HTTP 404') as error:
        download_checkpoint(url)
    assert url in str(error.value)
    assert cache_files(home) == []


def test_wrong_sha256_from_metafile(tmp_path, monkeypatch, home, server):
    body, _ = make_checkpoint(seed=3)
    other, _ = make_checkpoint(seed=4)
    server.routes['/weights/tiny.pth'] = ('ok', body)
    use_index(monkeypatch, write_zoo(tmp_path, [entry(
        'tiny_net_aid', weights=f'{server.base}/weights/tiny.pth',
        weights_sha256=sha256(other))]))
    with pytest.raises(CheckpointHashError) as error:
        get_model('tiny_net_aid', pretrained=True)
    message = str(error.value)
    assert f'expected SHA-256 {sha256(other)}, got {sha256(body)}' in message
    assert cache_files(home) == []


def test_wrong_hash_in_file_name(home, server):
    body, _ = make_checkpoint(seed=5)
    server.routes['/w/tiny-deadbeef.pth'] = ('ok', body)
    with pytest.raises(CheckpointHashError, match='starts with deadbeef'):
        download_checkpoint(f'{server.base}/w/tiny-deadbeef.pth')
    assert cache_files(home) == []


def test_truncated_body(home, server):
    body, _ = make_checkpoint(seed=6)
    server.routes['/w/tiny.pth'] = ('truncated', body)
    with pytest.raises(CheckpointDownloadError, match='truncated') as error:
        download_checkpoint(f'{server.base}/w/tiny.pth', sha256(body))
    assert str(len(body) + 100) in str(error.value)
    assert cache_files(home) == []


def test_connection_refused(home):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with pytest.raises(CheckpointDownloadError, match='RSZOO_WEIGHTS_MIRROR'):
        download_checkpoint(f'http://127.0.0.1:{port}/w/tiny.pth', '0' * 64)
    assert cache_files(home) == []


def test_mirror_rewrites_scheme_and_host(tmp_path, monkeypatch, home, server):
    body, saved = make_checkpoint(seed=7)
    name = f'tiny-{sha256(body)[:8]}.pth'
    server.routes[f'/mirror/org/releases/v0.1/{name}'] = ('ok', body)
    use_index(monkeypatch, write_zoo(tmp_path, [entry(
        'tiny_net_aid',
        weights=f'https://weights.example.invalid/org/releases/v0.1/{name}')]))
    monkeypatch.setenv('RSZOO_WEIGHTS_MIRROR', f'{server.base}/mirror/')
    model = get_model('tiny_net_aid', pretrained=True)
    assert server.requests == [f'/mirror/org/releases/v0.1/{name}']
    assert cache_files(home) == [name]
    assert torch.equal(model.fc.weight, saved['fc.weight'])

    assert apply_mirror('https://h.org/a/b.pth?x=1', str(tmp_path)) == \
        f'{tmp_path.as_uri()}/a/b.pth?x=1'


def test_file_mirror_folder(tmp_path, monkeypatch, home):
    body, _ = make_checkpoint(seed=8)
    name = f'tiny-{sha256(body)[:8]}.pth'
    (tmp_path / 'mirror' / 'a').mkdir(parents=True)
    (tmp_path / 'mirror' / 'a' / name).write_bytes(body)
    monkeypatch.setenv('RSZOO_WEIGHTS_MIRROR', str(tmp_path / 'mirror'))
    path = download_checkpoint(f'https://offline.invalid/a/{name}')
    assert Path(path).read_bytes() == body and cache_files(home) == [name]


# ------------------------------------------------------------------ bundled release files
@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """A private bundled-weights folder instead of the checkout's ``weights/``."""
    folder = tmp_path / 'bundled'
    folder.mkdir()
    monkeypatch.setattr(download, 'BUNDLED_WEIGHTS_DIR', folder)
    monkeypatch.setattr(download, '_MIM_WEIGHTS_DIR', tmp_path / 'no_mim')
    return folder


def no_network(monkeypatch):
    """Any attempt to open a non-file URL fails the test."""
    real = download.urllib.request.urlopen

    def urlopen(request, *args, **kwargs):
        url = getattr(request, 'full_url', request)
        assert url.startswith('file:'), f'network access to {url}'
        return real(request, *args, **kwargs)
    monkeypatch.setattr(download.urllib.request, 'urlopen', urlopen)


def test_bundled_release_file_is_found_offline(tmp_path, monkeypatch, home, bundled):
    """A fresh clone: empty cache, no network; the bundled file is verified,
    copied into the cache and loaded."""
    body, saved = make_checkpoint(seed=9)
    name = f'tiny_net_aid-{sha256(body)[:8]}.pth'
    (bundled / name).write_bytes(body)
    use_index(monkeypatch, write_zoo(tmp_path, [entry(
        'tiny_net_aid', weights=f'https://github.com/rszoo/rszoo/releases/download/v0/{name}',
        weights_sha256=sha256(body))]))
    no_network(monkeypatch)
    model = get_model('tiny_net_aid', pretrained=True)
    assert cache_files(home) == [name]
    assert (home / 'checkpoints' / name).read_bytes() == body
    for key, value in saved.items():
        assert torch.equal(model.state_dict()[key], value), key


def test_bundled_file_with_wrong_hash_is_refused(tmp_path, monkeypatch, home, bundled):
    body, _ = make_checkpoint(seed=10)
    name = f'tiny_net_aid-{sha256(body)[:8]}.pth'
    edited = bytearray(body)
    edited[len(body) // 2] ^= 0xFF  # a file changed after publishing
    (bundled / name).write_bytes(bytes(edited))
    use_index(monkeypatch, write_zoo(tmp_path, [entry(
        'tiny_net_aid', weights=f'https://github.com/rszoo/rszoo/releases/download/v0/{name}',
        weights_sha256=sha256(body))]))
    no_network(monkeypatch)
    with pytest.raises(CheckpointHashError, match='bundled release file') as error:
        get_model('tiny_net_aid', pretrained=True)
    assert str(bundled / name) in str(error.value)
    assert f'expected SHA-256 {sha256(body)}' in str(error.value)
    assert cache_files(home) == []


def test_unverifiable_bundled_file_is_ignored(home, bundled, server):
    """A bundled file is only used when its hash can be checked."""
    body, _ = make_checkpoint(seed=11)
    (bundled / 'tiny.pth').write_bytes(b'not this one')
    server.routes['/w/tiny.pth'] = ('ok', body)
    with pytest.warns(UserWarning, match='unverified'):
        path = download_checkpoint(f'{server.base}/w/tiny.pth')
    assert Path(path).read_bytes() == body and server.requests == ['/w/tiny.pth']


def test_metadata_weights_note_is_named(tmp_path, monkeypatch, home):
    item = entry('tiny_net_aid')
    item['Metadata']['Weights'] = 'not published (see README)'
    use_index(monkeypatch, write_zoo(tmp_path, [item]))
    with pytest.raises(NoPublishedWeightsError, match='top-level "Weights"'):
        get_model('tiny_net_aid', pretrained=True)


def test_published_entries_resolve_to_bundled_files():
    """Every entry of the real index with ``Weights`` has a full SHA-256 and
    its release file committed in ``weights/`` with that hash, so a fresh
    clone loads it offline; no ``Weights`` URL hides inside ``Metadata``."""
    index = load_model_index(REPO_ROOT / 'model-index.yml')
    published = [info for info in index.models.values() if info.weights]
    assert {'efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e',
            'sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e_seed1-deploy'
            } <= {info.name for info in published}
    for info in published:
        assert info.weights.startswith(download.RELEASE_BASE_URL + '/'), info.name
        assert info.weights_sha256, f'{info.name}: no "Weights SHA256"'
        name = download.file_name_from_url(info.weights)
        assert download.hash_prefix_from_name(name) == info.weights_sha256[:8], info.name
        path = download.BUNDLED_WEIGHTS_DIR / name
        assert path.is_file(), f'{info.name}: {path} is not committed'
        assert download.sha256_file(path) == info.weights_sha256, info.name
    for info in index.models.values():
        note = str(info.metadata.get('Weights', ''))
        assert '://' not in note, f'{info.name}: a Weights URL inside Metadata'


# ------------------------------------------------------------------ README table
def load_tool():
    spec = importlib.util.spec_from_file_location(
        'gen_model_table', REPO_ROOT / 'tools' / 'gen_model_table.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gen_model_table(tmp_path):
    tool = load_tool()
    index = write_zoo(
        tmp_path,
        [entry('tiny_net_aid', weights='https://example.org/w/tiny-1234abcd.pth'),
         entry('tiny_net_nwpu', top1=88.0)],
        collections=[{'Name': 'TinyNet', 'Status': 'done', 'Paper': PAPER},
                     {'Name': 'FutureNet', 'Status': 'planned',
                      'Paper': {'Title': 'Later', 'URL': 'https://example.org/later'}}])
    readme = tmp_path / 'README.md'
    readme.write_text('# Zoo\n\nintro\n\n<!-- model-table:start -->\nold\n'
                      '<!-- model-table:end -->\n\nfooter\n')
    args = ['--index', str(index), '--readme', str(readme)]

    assert tool.main(args + ['--check']) == 1
    assert 'old' in readme.read_text()
    assert tool.main(args) == 0
    text = readme.read_text()
    assert text.startswith('# Zoo\n\nintro\n\n<!-- model-table:start -->\n| Method')
    assert text.endswith('<!-- model-table:end -->\n\nfooter\n')
    lines = text.splitlines()
    assert ('| TinyNet | [A Tiny Paper](https://example.org/tiny-paper) | done '
            '| tiny_net_aid | AID | 93.10 | [yes](https://example.org/w/'
            'tiny-1234abcd.pth) | [tiny_net.py](configs/tiny/tiny_net.py) |') in lines
    assert ('| TinyNet | [A Tiny Paper](https://example.org/tiny-paper) | done '
            '| tiny_net_nwpu | AID | 88.00 | no '
            '| [tiny_net.py](configs/tiny/tiny_net.py) |') in lines
    assert ('| FutureNet | [Later](https://example.org/later) | planned '
            '| - | - | - | - | - |') in lines
    assert tool.main(args + ['--check']) == 0

    readme.write_text('no markers here\n')
    assert tool.main(args) == 2
