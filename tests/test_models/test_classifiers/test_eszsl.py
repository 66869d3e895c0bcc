"""``ESZSL`` (the zero-shot baseline): the closed form (eq. 4) and recovering unseen classes."""
import numpy as np
import pytest
import torch

from rszoo.models.classifiers import ESZSL

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_eszsl_closed_form_and_unseen_recovery():
    # 12 classes with 4-d class vectors (the 10 seen ones span the space), features a
    # linear image of the class vector plus noise: ESZSL recovers the 2 unseen classes
    rng = np.random.default_rng(0)
    emb = torch.from_numpy(rng.normal(size=(12, 4)))
    mixing = torch.from_numpy(rng.normal(size=(4, 16)))
    labels = torch.arange(12).repeat_interleave(20)
    feats = emb[labels] @ mixing + 0.05 * torch.from_numpy(rng.normal(size=(240, 16)))
    seen = list(range(10))
    train = labels < 10
    X, y = feats[train], labels[train]
    model = ESZSL(gamma=1.0, lambd=0.1).fit(X, y, emb, seen)
    # eq. 4 written out
    S = emb[:10]
    Y = -torch.ones(len(X), 10, dtype=torch.float64)
    Y[torch.arange(len(X)), y] = 1
    V = torch.inverse(X.T @ X + torch.eye(16, dtype=torch.float64)) @ X.T @ Y @ S @ \
        torch.inverse(S.T @ S + 0.1 * torch.eye(4, dtype=torch.float64))
    assert torch.allclose(model.V, V, atol=1e-8)
    scores = model.scores(feats[~train], emb)[:, 10:]
    accuracy = (scores.argmax(1) + 10 == labels[~train]).float().mean()
    assert accuracy > 0.9
    with pytest.raises(ValueError, match='not a seen class'):
        ESZSL().fit(X[:2], torch.tensor([0, 11]), emb, seen)
