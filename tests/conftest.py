"""Shared pytest fixtures and helpers: where the repo and the real data are, the
single-thread / registry set-up of the model tests, and loading a ``tools/`` script."""
import importlib.util
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

#: fixtures shared by test files in different folders (``tests/helpers/``)
pytest_plugins = ['helpers.dsva', 'helpers.mcfa']


def shared_data_root() -> Path:
    """``$RSZOO_DATA_ROOT`` or ``<repo>/../shared/data`` (the real data sets)."""
    return Path(os.environ.get('RSZOO_DATA_ROOT', REPO_ROOT.parent / 'shared' / 'data'))


def load_tool(path, name=None):
    """Import the script ``path`` (relative to the repo root, e.g.
    ``'tools/zeroshot/annotate_attributes.py'``) as a module called ``name``
    (default ``rszoo_tool_<file stem>``)."""
    name = name or 'rszoo_tool_' + Path(path).stem
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope='session')
def aid_root() -> Path:
    root = shared_data_root() / 'aid-150px'
    if not (root / 'Airport').is_dir():
        pytest.skip(f'AID-150px not found at {root} (set RSZOO_DATA_ROOT to the folder '
                    'holding aid-150px/, normally ../shared/data)')
    return root


@pytest.fixture(scope='session')
def cloud_root() -> Path:
    """The 38-Cloud patch (``<band>_patch_*.TIF`` and ``gt_patch_*.TIF``)."""
    root = shared_data_root() / '38cloud-patch'
    if not all(any(root.glob(f'{band}_patch_*.TIF')) for band in ('red', 'nir', 'gt')):
        pytest.skip(f'38-Cloud patch not found at {root} (set RSZOO_DATA_ROOT to the '
                    'folder holding 38cloud-patch/, normally ../shared/data)')
    return root


@pytest.fixture(scope='module')
def single_thread_registry():
    """One torch intra-op thread and rszoo's registries, for a test module.

    Use as ``pytestmark = pytest.mark.usefixtures('single_thread_registry')``. One
    thread: on a busy 2-core machine OpenMP's barriers make 2-thread forwards of the
    tests' small batches 5-30x slower (measured); the previous count is restored when
    the module is done. ``register_all_modules()`` makes the ``rszoo`` scope the
    default, so configs find rszoo's and mmpretrain's components.
    """
    import torch

    from rszoo.utils import register_all_modules
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    register_all_modules()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True, scope='session')
def _run_from_repo_root():
    """Configs name split files and bases relative to the repo root."""
    old = os.getcwd()
    os.chdir(REPO_ROOT)
    yield
    os.chdir(old)
