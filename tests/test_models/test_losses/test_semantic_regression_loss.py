"""``SemanticRegressionLoss`` (DSVA): the weighted mean squared error, by hand."""
import pytest
import torch

from rszoo.models.losses import SemanticRegressionLoss
from rszoo.registry import MODELS

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_semantic_regression_loss_hand_computed():
    loss = MODELS.build(dict(type='SemanticRegressionLoss', loss_weight=0.1))
    assert isinstance(loss, SemanticRegressionLoss)
    pred = torch.tensor([[1., 2.], [0., 0.]])
    target = torch.tensor([[0., 2.], [1., 1.]])
    assert loss(pred, target).item() == pytest.approx(0.1 * 3 / 4)  # squared errors 1,0,1,1
    assert SemanticRegressionLoss(reduction='sum')(pred, target).item() == pytest.approx(3.)
    with pytest.raises(ValueError, match='expected both'):
        loss(pred, target[:, :1])
