"""DeViSE-style linear compatibility: A. Frome et al., "DeViSE: A Deep
Visual-Semantic Embedding Model", NeurIPS 2013, on fixed features (the
"linear compatibility" family of Xian et al., TPAMI 2019).

Score ``F(x, c) = x W a_c^T`` with ``W`` (d, a); trained on seen classes with
the hinge rank loss of the paper,

    L(x, y) = sum_{c in seen, c != y} max(0, margin - F(x, y) + F(x, c)),

averaged over the batch, by Adam with weight decay; scores over all classes,
seen or unseen, at test time.
"""
from typing import Sequence

import torch

from rszoo.registry import MODELS


@MODELS.register_module()
class DeViSELinear:
    """Args:
        margin (float): hinge margin. Defaults to 0.1.
        lr (float): Adam learning rate. Defaults to 1e-3.
        weight_decay (float): Defaults to 1e-4.
        epochs (int): passes over the training features. Defaults to 30.
        batch_size (int): Defaults to 128.
        seed (int): initialisation and shuffling. Defaults to 0.
    """

    def __init__(self, margin: float = 0.1, lr: float = 1e-3, weight_decay: float = 1e-4,
                 epochs: int = 30, batch_size: int = 128, seed: int = 0):
        self.margin, self.lr, self.weight_decay = margin, lr, weight_decay
        self.epochs, self.batch_size, self.seed = epochs, batch_size, seed
        self.W = None

    @staticmethod
    def hinge_rank_loss(scores: torch.Tensor, targets: torch.Tensor, margin: float):
        """scores (N, z) over the seen classes, targets (N,) column indices."""
        true = scores.gather(1, targets.view(-1, 1))
        hinge = (margin - true + scores).clamp(min=0)
        hinge = hinge.scatter(1, targets.view(-1, 1), 0.)
        return hinge.sum(1).mean()

    def fit(self, features: torch.Tensor, labels: torch.Tensor,
            class_embeddings: torch.Tensor, seen_indices: Sequence[int]) -> 'DeViSELinear':
        generator = torch.Generator().manual_seed(self.seed)
        seen = torch.as_tensor(list(seen_indices))
        column = {int(c): i for i, c in enumerate(seen.tolist())}
        try:
            targets = torch.tensor([column[int(y)] for y in labels])
        except KeyError as error:
            raise ValueError(f'DeViSELinear.fit: label {error} is not a seen class') from None
        X, S = features.float(), class_embeddings.float()[seen]
        W = (torch.randn(X.shape[1], S.shape[1], generator=generator) * 0.01).requires_grad_()
        optimizer = torch.optim.Adam([W], lr=self.lr, weight_decay=self.weight_decay)
        for _ in range(self.epochs):
            order = torch.randperm(len(X), generator=generator)
            for start in range(0, len(X), self.batch_size):
                idx = order[start:start + self.batch_size]
                loss = self.hinge_rank_loss(X[idx] @ W @ S.T, targets[idx], self.margin)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        self.W = W.detach()
        return self

    def scores(self, features: torch.Tensor, class_embeddings: torch.Tensor) -> torch.Tensor:
        if self.W is None:
            raise RuntimeError('DeViSELinear: call fit() first')
        return features.float() @ self.W @ class_embeddings.float().T
