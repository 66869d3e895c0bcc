"""One test per stack fix in rszoo.utils.compat (B1-B8, stack-notes.md)."""
import io
import pickletools
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub

from rszoo.utils import init_cpu_distributed, register_all_modules

register_all_modules()
from conftest import REPO_ROOT as REPO  # noqa: E402


def _checkpoint_bytes():
    hub = MessageHub.get_instance('rszoo-compat-test')
    for i in range(5):
        hub.update_scalar('train/loss', float(np.float64(1.0 / (i + 1))))
    hub.update_info('iter', np.int64(7))
    ckpt = dict(
        meta=dict(epoch=1, seed=np.int64(0)),
        state_dict={'w': torch.randn(3, 3)},
        message_hub=hub.state_dict(),
        rng_state=dict(numpy=np.random.get_state(), torch=torch.get_rng_state()))
    buf = io.BytesIO()
    torch.save(ckpt, buf)
    return buf.getvalue()


def test_b1_resume_checkpoint_loads_with_weights_only():
    data = _checkpoint_bytes()
    loaded = torch.load(io.BytesIO(data), weights_only=True)
    hist = loaded['message_hub']['log_scalars']['train/loss']
    assert hist.current() == pytest.approx(0.2)
    assert hist.mean() == pytest.approx(np.mean([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]))


def test_b1_checkpoint_has_no_getattr_global():
    """The fix keeps ``builtins.getattr`` (an escape hatch) out of the allow-list."""
    import zipfile
    with zipfile.ZipFile(io.BytesIO(_checkpoint_bytes())) as zf:
        pkl = zf.read([n for n in zf.namelist() if n.endswith('data.pkl')][0])
    globals_used = [str(arg) for op, arg, _ in pickletools.genops(pkl) if op.name == 'GLOBAL']
    assert not any('getattr' in g for g in globals_used), globals_used
    assert getattr not in torch.serialization.get_safe_globals()


def test_b1_unknown_globals_still_refused():
    class Evil:
        def __reduce__(self):
            return (print, ('pwned', ))

    buf = io.BytesIO()
    torch.save({'x': Evil()}, buf)
    buf.seek(0)
    with pytest.raises(Exception, match='Unsupported global'):
        torch.load(buf, weights_only=True)


def test_b2_setuptools_pinned_and_no_mmpretrain_bases():
    req = (REPO / 'requirements.txt').read_text()
    assert re.search(r'^setuptools<82', req, re.M)
    for cfg in (REPO / 'configs').rglob('*.py'):
        assert 'mmpretrain::' not in cfg.read_text(), cfg


def test_b3_configs_have_no_imports_and_env_substitution_works(monkeypatch):
    for cfg in (REPO / 'configs').rglob('*.py'):
        text = cfg.read_text()
        assert not re.search(r'^\s*(import|from)\s', text, re.M), f'{cfg} imports a module'
    path = REPO / 'configs/_base_/datasets/aid150_bs32_128px.py'
    monkeypatch.setenv('RSZOO_DATA_ROOT', '/elsewhere/data')
    assert Config.fromfile(path).data_root == '/elsewhere/data/aid-150px'
    monkeypatch.delenv('RSZOO_DATA_ROOT')
    assert Config.fromfile(path).data_root == '../shared/data/aid-150px'


def test_b4_no_np_in1d_in_rszoo():
    for src in (REPO / 'rszoo').rglob('*.py'):
        assert 'in1d(' not in src.read_text(), src


def test_b6_cpu_distributed_sets_gloo_and_cpu_ddp(monkeypatch):
    if torch.cuda.is_available():
        pytest.skip('B6 concerns CPU-only machines')
    code = (
        'import os, torch.distributed as d\n'
        'from mmengine.config import Config\n'
        'from rszoo.utils import init_cpu_distributed\n'
        'cfg = Config(dict())\n'
        'os.environ.update(RANK="0", WORLD_SIZE="1", MASTER_ADDR="127.0.0.1", '
        'MASTER_PORT="29531", LOCAL_RANK="0")\n'
        'assert init_cpu_distributed(cfg, "pytorch")\n'
        'print(d.get_backend(), cfg.model_wrapper_cfg)\n')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'gloo' in out.stdout and "'device_ids': None" in out.stdout
    assert init_cpu_distributed(Config(dict()), 'none') is False


def test_b6_missing_torchrun_env_is_a_clear_error(monkeypatch):
    if torch.cuda.is_available():
        pytest.skip('B6 concerns CPU-only machines')
    for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(k, raising=False)
    with pytest.raises(RuntimeError, match='torchrun'):
        init_cpu_distributed(Config(dict()), 'pytorch')


def test_b7_model_index_found_in_repo_checkout():
    from rszoo.apis.model_zoo import find_model_index
    assert Path(find_model_index()).resolve() == (REPO / 'model-index.yml').resolve()


def test_b9_negative_hue_jitter_works_and_positive_is_unchanged():
    import cv2
    import mmcv
    import numpy as np
    from mmcv.image import photometric

    from rszoo.utils.compat import fix_mmcv_adjust_hue
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    fix_mmcv_adjust_hue()
    fix_mmcv_adjust_hue()  # idempotent
    assert mmcv.adjust_hue._rszoo_b9
    # a negative factor no longer raises, and rotates the hue channel by int(f*255) mod 256
    out = mmcv.adjust_hue(img, -0.1)
    hue_in = cv2.cvtColor(img, cv2.COLOR_BGR2HSV_FULL)[..., 0].astype(int)
    hue_out = cv2.cvtColor(out, cv2.COLOR_BGR2HSV_FULL)[..., 0].astype(int)
    shift = (hue_out - hue_in) % 256
    # -25 mod 256 = 231; the HSV <-> BGR round trip rounds some hues by a step
    assert np.isin(shift, [230, 231, 232, 233]).mean() > 0.95
    assert mmcv.adjust_hue(img, -0.1, backend='pillow').shape == img.shape
    # positive factors: mmcv's own result, bit for bit
    plain = img.copy()
    hsv = cv2.cvtColor(plain, cv2.COLOR_BGR2HSV_FULL)
    hsv[..., 0] = (hsv[..., 0].astype(int) + int(0.2 * 255)) % 256
    assert np.array_equal(mmcv.adjust_hue(img, 0.2), cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR_FULL))
    with pytest.raises(ValueError, match='hue_factor'):
        mmcv.adjust_hue(img, 0.7)
    # mmpretrain's ColorJitter goes through it (MoCo v2's hue=0.1 samples negative factors)
    from mmpretrain.datasets.transforms import ColorJitter
    jitter = ColorJitter(hue=0.4)
    for _ in range(8):
        assert jitter.transform(dict(img=img.copy()))['img'].shape == img.shape
    assert photometric.adjust_hue is mmcv.adjust_hue


def test_b10_mmpretrain_imports_with_transformers_5_and_pycocotools():
    """``import mmpretrain.models`` works whatever transformers is installed;
    under transformers 5 the multimodal models are mmpretrain's placeholders."""
    code = ('import rszoo.models; '  # rszoo's own modules import mmpretrain.models first
            'from rszoo.utils import register_all_modules; register_all_modules(); '
            'import transformers, mmpretrain.utils.dependency as d; '
            'from mmengine.utils import digit_version; '
            'from mmpretrain.registry import MODELS; '
            'assert MODELS.get("ResNet") is not None; '
            'v5 = digit_version(transformers.__version__) >= digit_version("5.0.0"); '
            'assert (not d.WITH_MULTIMODAL) if v5 else True; print("ok")')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip().endswith('ok'), out.stderr[-2000:]


# --- B11 / B12: checkpoints named by URL or path go through rszoo's loaders ---

def _refuse_torch_hub(monkeypatch):
    """Any call of the unverified path (torch hub, weights_only=False) fails."""
    import mmengine.utils.dl_utils as dl_utils

    def refused(*args, **kwargs):
        raise AssertionError('torch hub loader called')
    monkeypatch.setattr(torch.hub, 'load_state_dict_from_url', refused)
    monkeypatch.setattr(dl_utils, 'load_url', refused)


def _published(tmp_path, monkeypatch, obj, name='lin'):
    """``obj`` saved in a mirror folder as ``<name>-<sha8>.pth``; returns its
    published https URL (offline: RSZOO_WEIGHTS_MIRROR, cache in RSZOO_HOME)."""
    import hashlib
    buf = io.BytesIO()
    torch.save(obj, buf)
    data = buf.getvalue()
    file_name = f'{name}-{hashlib.sha256(data).hexdigest()[:8]}.pth'
    mirror = tmp_path / 'mirror'
    (mirror / 'org/rel').mkdir(parents=True, exist_ok=True)
    (mirror / 'org/rel' / file_name).write_bytes(data)
    monkeypatch.setenv('RSZOO_WEIGHTS_MIRROR', str(mirror))
    monkeypatch.setenv('RSZOO_HOME', str(tmp_path / 'home'))
    _refuse_torch_hub(monkeypatch)
    return f'https://example.invalid/org/rel/{file_name}'


def test_b11_url_checkpoints_use_the_verified_download(tmp_path, monkeypatch):
    import os

    import mmengine.runner.checkpoint as mm_checkpoint
    from mmengine.model import BaseModule

    from rszoo.utils.compat import load_from_http

    class Net(BaseModule):
        def __init__(self, init_cfg=None):
            super().__init__(init_cfg=init_cfg)
            self.fc = torch.nn.Linear(3, 2)

    source = Net()
    url = _published(tmp_path, monkeypatch, dict(state_dict=source.state_dict()))
    # init_cfg=Pretrained (mmengine's CheckpointLoader) with an https URL
    net = Net(init_cfg=dict(type='Pretrained', checkpoint=url))
    old_umask = os.umask(0o027)
    try:
        net.init_weights()
    finally:
        os.umask(old_umask)
    assert torch.equal(net.fc.weight, source.fc.weight)
    # load_from / --checkpoint (load_checkpoint), now from the cache
    target = Net()
    mm_checkpoint.load_checkpoint(target, url, strict=True)
    assert torch.equal(target.fc.bias, source.fc.bias)
    cached = tmp_path / 'home' / 'checkpoints' / url.rsplit('/', 1)[1]
    assert cached.is_file()
    # the cache file gets the umask's mode, not mkstemp's 0600
    assert oct(cached.stat().st_mode & 0o777) == oct(0o640)
    # torchvision://, open-mmlab:// and mmcls:// resolve to URLs through it too
    assert mm_checkpoint.load_from_http is load_from_http
    assert mm_checkpoint.CheckpointLoader._get_checkpoint_loader(url) is load_from_http


def test_b11_url_checkpoint_with_a_wrong_hash_is_refused(tmp_path, monkeypatch):
    import mmengine.runner.checkpoint as mm_checkpoint

    from rszoo.apis import CheckpointHashError
    url = _published(tmp_path, monkeypatch, dict(w=torch.zeros(2)))
    mirror_file = next((tmp_path / 'mirror').rglob('*.pth'))
    mirror_file.write_bytes(mirror_file.read_bytes() + b'tampered')
    with pytest.raises(CheckpointHashError, match='SHA-256'):
        mm_checkpoint._load_checkpoint(url)
    assert not list((tmp_path / 'home' / 'checkpoints').glob('*.pth'))


def test_b11_url_checkpoint_is_never_unpickled_with_code(tmp_path, monkeypatch, capsys):
    import mmengine.runner.checkpoint as mm_checkpoint

    from rszoo.apis import CheckpointLoadError

    class Evil:
        def __reduce__(self):
            return (print, ('pwned', ))

    url = _published(tmp_path, monkeypatch, dict(state_dict={'w': torch.zeros(1)}, x=Evil()))
    with pytest.raises(CheckpointLoadError) as error:
        mm_checkpoint._load_checkpoint(url)
    assert 'print' in str(error.value) and 'weights_only=False' not in str(error.value)
    assert 'pwned' not in capsys.readouterr().out


@pytest.mark.parametrize('kind', ['csv', 'npy', 'empty', 'tensor', 'zip'])
def test_b12_a_file_that_is_not_a_checkpoint_names_the_file(tmp_path, kind):
    import zipfile

    import mmengine.runner.checkpoint as mm_checkpoint

    from rszoo.apis import CheckpointLoadError
    path = tmp_path / f'weights.{kind}'
    if kind == 'csv':
        path.write_text('a,b\n1,2\n')
    elif kind == 'npy':
        with open(path, 'wb') as f:
            np.save(f, np.zeros(3))
    elif kind == 'empty':
        path.write_bytes(b'')
    elif kind == 'tensor':
        torch.save(torch.zeros(3), path)
    else:
        with zipfile.ZipFile(path, 'w') as zf:
            zf.writestr('readme.txt', 'not torch')
    model = torch.nn.Linear(3, 2)
    with pytest.raises(CheckpointLoadError) as error:
        mm_checkpoint.load_checkpoint(model, str(path))  # load_from / --checkpoint
    message = str(error.value)
    assert str(path) in message
    assert 'expected a PyTorch checkpoint' in message and 'state_dict' in message
    assert 'weights_only=False' not in message
    # the same from the resume path's loader; a missing file is a FileNotFoundError
    with pytest.raises(CheckpointLoadError):
        mm_checkpoint._load_checkpoint(str(path))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        mm_checkpoint._load_checkpoint(str(tmp_path / 'missing.pth'))


def test_b12_checkpoints_still_load(tmp_path):
    import mmengine.runner.checkpoint as mm_checkpoint
    source = torch.nn.Linear(3, 2)
    torch.save(dict(state_dict=source.state_dict(), meta=dict(epoch=1)), tmp_path / 'a.pth')
    torch.save(source.state_dict(), tmp_path / 'b.pth')
    for name in ('a.pth', 'b.pth'):
        target = torch.nn.Linear(3, 2)
        mm_checkpoint.load_checkpoint(target, str(tmp_path / name), strict=True)
        assert torch.equal(target.weight, source.weight)
    # a resume checkpoint (message_hub, rng_state: B1's allow-list)
    (tmp_path / 'c.pth').write_bytes(_checkpoint_bytes())
    assert 'message_hub' in mm_checkpoint._load_checkpoint(str(tmp_path / 'c.pth'))
