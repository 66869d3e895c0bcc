"""``SemanticRegressionLoss``: DSVA's regression of predicted attribute scores
onto the class attribute vector of each image.

DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing
Image Scene Classification") pulls the predicted attribute scores ``a_n`` (A,)
of an image of class ``y_n`` towards that class's attribute vector
``phi_{y_n}`` (A,) with a mean squared error (the authors' ``nn.MSELoss``,
weights ``attri`` = 1e-2 on the global branch and ``l_attri`` = 8e-2 on the
prototype branch; the authors' code ``wenjiaXu/RS_Scene_ZSL``)::

    L_SR = loss_weight * 1/(N A) sum_n sum_k (a_{n,k} - phi_{y_n,k})^2      (reduction='mean')
    L_SR = loss_weight * sum_n sum_k (a_{n,k} - phi_{y_n,k})^2              (reduction='sum')

Shapes: pred (N, A); target (N, A) -> scalar.
"""
import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class SemanticRegressionLoss(nn.Module):
    """Mean squared error between predicted and class attribute vectors.

    Args:
        loss_weight (float): factor on the loss. Defaults to 1.
        reduction (str): ``'mean'`` (over all N x A entries, as
            ``nn.MSELoss``) or ``'sum'``. Defaults to ``'mean'``.
    """

    def __init__(self, loss_weight: float = 1.0, reduction: str = 'mean') -> None:
        super().__init__()
        if reduction not in ('mean', 'sum'):
            raise ValueError(f'SemanticRegressionLoss: reduction must be "mean" or "sum", '
                             f'got {reduction!r}')
        self.loss_weight = float(loss_weight)
        self.reduction = reduction

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if pred.dim() != 2 or pred.shape != target.shape:
            raise ValueError(f'SemanticRegressionLoss: predicted attributes '
                             f'{tuple(pred.shape)} and targets {tuple(target.shape)}; '
                             'expected both (N, A)')
        return self.loss_weight * F.mse_loss(pred.float(), target.float(),
                                             reduction=self.reduction)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}, reduction={self.reduction!r}'
