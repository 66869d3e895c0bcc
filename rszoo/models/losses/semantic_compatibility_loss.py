"""``SemanticCompatibilityLoss``: DSVA's cross-entropy on attribute-class
compatibility scores over the seen classes.

DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing
Image Scene Classification"), as ALE (Akata et al., "Label-Embedding for
Image Classification", TPAMI 2016) with a softmax: an image's predicted
attribute scores ``a`` (N, A) are compared with each class's attribute vector
``phi_c`` (A,), and the compatibilities ``f_c = a . phi_c`` of the training
(seen) classes ``S`` enter a softmax cross-entropy::

    f = a @ phi^T                                           (N, C)   all classes
    L_SC = loss_weight * (1/N) sum_n -log( exp f_{n,y_n} / sum_{c in S} exp f_{n,c} )

``class_indices`` (the seen classes' global indices) restricts the softmax to
``S``; labels are global class indices and must lie in ``S``. Without it the
softmax runs over every column of ``logits``.

The authors' code (``wenjiaXu/RS_Scene_ZSL``) applies
``nn.CrossEntropyLoss`` to ``softmax(f)``, i.e. a second softmax on
probabilities; rszoo uses the plain cross-entropy on the compatibility logits.

Shapes: logits (N, C); labels (N,) -> scalar.
"""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class SemanticCompatibilityLoss(nn.Module):
    """Softmax cross-entropy on compatibility logits, restricted to some classes.

    Args:
        loss_weight (float): factor on the loss. Defaults to 1 (DSVA's ``xe``,
            ``l_xe`` and ``xe_pro``).
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = float(loss_weight)

    def forward(self, logits: torch.Tensor, labels: torch.Tensor,
                class_indices: Optional[Sequence[int]] = None) -> torch.Tensor:
        """Args:
            logits: compatibilities ``(N, C)`` over all (global) classes.
            labels: ``(N,)`` global class indices.
            class_indices: global indices of the classes the softmax runs over
                (the seen classes); None = all columns.
        """
        if logits.dim() != 2 or labels.dim() != 1 or labels.numel() != logits.size(0):
            raise ValueError(f'SemanticCompatibilityLoss: logits {tuple(logits.shape)} and '
                             f'labels {tuple(labels.shape)}; expected (N, C) and (N,)')
        labels = labels.long()
        if class_indices is not None:
            index = torch.as_tensor(list(class_indices), dtype=torch.long,
                                    device=logits.device)
            lookup = torch.full((logits.size(1), ), -1, dtype=torch.long, device=logits.device)
            lookup[index] = torch.arange(len(index), device=logits.device)
            mapped = lookup[labels]
            if (mapped < 0).any():
                bad = sorted(set(labels[mapped < 0].tolist()))
                raise ValueError(f'SemanticCompatibilityLoss: labels {bad} are not among the '
                                 f'training classes {index.tolist()} (class_indices): a '
                                 'zero-shot model trains on seen classes only')
            logits, labels = logits[:, index], mapped
        return self.loss_weight * F.cross_entropy(logits.float(), labels)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'
