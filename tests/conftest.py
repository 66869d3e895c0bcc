"""Shared pytest fixtures: where the repo and the real data are."""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_root() -> Path:
    """``$RSZOO_DATA_ROOT`` or ``<repo>/../shared/data`` (the real data sets)."""
    return Path(os.environ.get('RSZOO_DATA_ROOT', REPO_ROOT.parent / 'shared' / 'data'))


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


@pytest.fixture(autouse=True, scope='session')
def _run_from_repo_root():
    """Configs name split files and bases relative to the repo root."""
    old = os.getcwd()
    os.chdir(REPO_ROOT)
    yield
    os.chdir(old)
