"""Label-aware contrastive loss between anchors and candidates, the form of
MCFA's three contrastive terms (Liu et al., "Multi-level Cross-modal Feature
Alignment via Contrastive Learning towards Zero-shot Classification of Remote
Sensing Image Scenes", arXiv 2306.06066; temperature tau = 2 there):

    l(a) = -log( mean_{p in P(a)} exp(s(a, p) / tau) / sum_{c in C(a)} exp(s(a, c) / tau) )
    L = mean_{a in A'} l(a)   (reduction='mean', the default)
    L = sum_{a in A'} l(a)    (reduction='sum': the authors' code, masuqiang/MCFA-Pytorch,
                               ``ContrastiveLoss_new.py``, sums over the anchors)

- ``s`` is the cosine similarity (``similarity='cosine'``) or the dot product;
- ``C(a)`` = all candidates (without ``a`` itself when anchors and candidates
  are the same set: ``candidates=None``), ``P(a)`` = those with ``a``'s label;
- ``A'`` = the anchors with at least one positive (others have no term).

MCFA uses it three times on the sampled latents: visual -> visual (anchors =
candidates = image latents: the supervised, SimCLR-style term), visual ->
semantic (image latents against the semantic latents of the batch: positives
are their own class's) and semantic -> visual (semantic latents against the
image latents: positives are the images of that class, the numerator is the
mean over them), each with ``reduction='sum'`` as the authors.
Shapes: anchors (N, d), candidates (M, d), labels (N,), (M,).
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class SupervisedContrastiveLoss(nn.Module):
    """Args:
        temperature (float): ``tau``. MCFA: 2.
        similarity (str): ``'cosine'`` (default) or ``'dot'``.
        loss_weight (float): Defaults to 1.
        reduction (str): ``'mean'`` (default) or ``'sum'`` over the anchors
            with a positive. MCFA's code: ``'sum'``.
    """

    def __init__(self, temperature: float = 2.0, similarity: str = 'cosine',
                 loss_weight: float = 1.0, reduction: str = 'mean'):
        super().__init__()
        if reduction not in ('mean', 'sum'):
            raise ValueError(f"SupervisedContrastiveLoss: reduction must be 'mean' or 'sum', "
                             f'got {reduction!r}')
        if similarity not in ('cosine', 'dot'):
            raise ValueError(f"SupervisedContrastiveLoss: similarity must be 'cosine' or "
                             f"'dot', got {similarity!r}")
        if temperature <= 0:
            raise ValueError(f'SupervisedContrastiveLoss: temperature must be > 0, '
                             f'got {temperature}')
        self.temperature = temperature
        self.similarity = similarity
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self, anchors: torch.Tensor, anchor_labels: torch.Tensor,
                candidates: Optional[torch.Tensor] = None,
                candidate_labels: Optional[torch.Tensor] = None) -> torch.Tensor:
        same_set = candidates is None
        if same_set:
            candidates, candidate_labels = anchors, anchor_labels
        elif candidate_labels is None:
            raise ValueError('SupervisedContrastiveLoss: candidates need candidate_labels')
        if anchors.dim() != 2 or candidates.dim() != 2 or anchors.size(1) != candidates.size(1):
            raise ValueError(f'SupervisedContrastiveLoss: anchors {tuple(anchors.shape)} and '
                             f'candidates {tuple(candidates.shape)} must be (N, d) and (M, d)')
        if self.similarity == 'cosine':
            anchors, candidates = F.normalize(anchors, dim=1), F.normalize(candidates, dim=1)
        logits = anchors @ candidates.t() / self.temperature  # (N, M)
        valid = torch.ones_like(logits, dtype=torch.bool)
        if same_set:
            valid.fill_diagonal_(False)
        positive = (anchor_labels.view(-1, 1) == candidate_labels.view(1, -1)) & valid
        has_positive = positive.any(dim=1)
        if not has_positive.any():
            return logits.sum() * 0.
        neg_inf = torch.finfo(logits.dtype).min
        log_denominator = torch.logsumexp(logits.masked_fill(~valid, neg_inf), dim=1)
        log_positive_sum = torch.logsumexp(logits.masked_fill(~positive, neg_inf), dim=1)
        log_numerator = log_positive_sum - torch.log(positive.sum(1).clamp(min=1).float())
        per_anchor = -(log_numerator - log_denominator)[has_positive]
        loss = per_anchor.sum() if self.reduction == 'sum' else per_anchor.mean()
        return self.loss_weight * loss
