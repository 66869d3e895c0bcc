"""``DeViSELinear`` (the zero-shot baseline): the hinge rank loss by hand, learning the seen
classes.
"""
import numpy as np
import pytest
import torch

from rszoo.datasets.zeroshot import ZSLFeatureDataset
from rszoo.models.classifiers import DeViSELinear


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_devise_hinge_rank_loss_hand_computed():
    # scores (1, 3), true class 0: sum_{c != 0} max(0, 0.5 - 2 + s_c) = max(0, -0.5) + max(0, 1.5)
    scores = torch.tensor([[2.0, 1.0, 3.0]])
    loss = DeViSELinear.hinge_rank_loss(scores, torch.tensor([0]), margin=0.5)
    assert loss.item() == pytest.approx(1.5)


def test_devise_learns_seen_classes(zsl_files):
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    emb = torch.from_numpy(np.load(zsl_files['emb']))
    model = DeViSELinear(epochs=30, lr=1e-2, batch_size=16).fit(
        torch.from_numpy(train.features), torch.from_numpy(train.labels), emb, [0, 1, 2, 3])
    scores = model.scores(torch.from_numpy(train.features), emb)[:, :4]
    assert (scores.argmax(1) == torch.from_numpy(train.labels)).float().mean() > 0.9
