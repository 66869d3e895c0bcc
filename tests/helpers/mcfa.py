"""Shared by the MCFA / zero-shot feature tests: 6 classes and the fixture ``zsl_files``
(a feature file, class vectors and a class split of a learnable toy problem), and the
12-class linear toy problem of the ``tools/zeroshot/zsl_protocol.py`` tests.

Registered as a plugin in ``tests/conftest.py`` (``pytest_plugins``) for its fixture.
"""
import numpy as np
import pytest

from rszoo.datasets.zeroshot import ClassSplit


CLASSES = ['Airport', 'BareLand', 'Beach', 'Desert', 'Forest', 'Pond']


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


def write_linear_zsl_problem(root, per_class, noise):
    """12 classes with 4-d class vectors (10 seen, 2 of them validation-unseen; 2 unseen),
    ``per_class`` 16-d features each: a linear image of the class vector plus ``noise``
    times a standard normal. Writes ``feats.npz``, ``emb.npy`` and ``split.json`` under
    ``root``."""
    rng = np.random.default_rng(0)
    classes = [f'class{i:02d}' for i in range(12)]
    emb = rng.normal(size=(12, 4)).astype(np.float32)
    labels = np.repeat(np.arange(12), per_class)
    feats = emb[labels] @ rng.normal(size=(4, 16)).astype(np.float32) + \
        noise * rng.normal(size=(12 * per_class, 16)).astype(np.float32)
    np.savez(root / 'feats.npz', features=feats, labels=labels, classes=np.array(classes))
    np.save(root / 'emb.npy', emb)
    ClassSplit(dataset='toy', classes=classes, seen=classes[:10], unseen=classes[10:],
               val_unseen=classes[8:10], seed=0, source='test').to_file(root / 'split.json')
