"""``SemanticCompatibilityLoss`` (DSVA): cross-entropy over the seen classes, by hand."""
import math

import pytest
import torch

from rszoo.models.losses import SemanticCompatibilityLoss
from rszoo.registry import MODELS

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_semantic_compatibility_loss_hand_computed():
    loss = MODELS.build(dict(type='SemanticCompatibilityLoss', loss_weight=2.0))
    assert isinstance(loss, SemanticCompatibilityLoss)
    logits = torch.tensor([[2., 0., 1., 5.], [0., 1., 0., -1.]])
    labels = torch.tensor([0, 2])
    # softmax over the seen classes {0, 2} only: rows [2, 1] (label 0) and [0, 0] (label 1)
    expected = 2.0 * (math.log(1 + math.exp(-1)) + math.log(2)) / 2
    assert loss(logits, labels, [0, 2]).item() == pytest.approx(expected, rel=1e-6)
    full = (math.log(sum(math.exp(v) for v in [2, 0, 1, 5])) - 2 +
            math.log(sum(math.exp(v) for v in [0, 1, 0, -1])) - 0) / 2
    assert loss(logits, labels).item() == pytest.approx(2.0 * full, rel=1e-6)
    with pytest.raises(ValueError, match=r'labels \[3\] are not among'):
        loss(logits, torch.tensor([0, 3]), [0, 2])
