"""ESZSL: "An embarrassingly simple approach to zero-shot learning",
B. Romera-Paredes, P. Torr, ICML 2015. A linear compatibility baseline for
zero-shot scene classification on fixed features.

With training features ``X`` (N, d), their labels as ``Y`` (N, z) in {-1, +1}
over the z seen classes and the seen classes' semantic vectors ``S`` (z, a),
the bilinear map has the closed form (eq. 4 of the paper)

    V = (X^T X + gamma I_d)^-1  X^T Y S  (S^T S + lambda I_a)^-1      (d, a)

and the score of class c for a feature x is ``x V s_c^T`` for any class,
seen or unseen: ``scores = X V A^T`` (N, C) with all class vectors ``A`` (C, a).
"""
from typing import Sequence

import torch

from rszoo.registry import MODELS


@MODELS.register_module()
class ESZSL:
    """Args:
        gamma (float): ridge on the feature side (paper: 10^{-3..3}).
        lambd (float): ridge on the semantic side (paper: 10^{-3..3}).
    """

    def __init__(self, gamma: float = 1.0, lambd: float = 1.0):
        self.gamma, self.lambd = gamma, lambd
        self.V = None

    def fit(self, features: torch.Tensor, labels: torch.Tensor,
            class_embeddings: torch.Tensor, seen_indices: Sequence[int]) -> 'ESZSL':
        X = features.double()
        seen = torch.as_tensor(list(seen_indices))
        S = class_embeddings.double()[seen]  # (z, a)
        column = {int(c): i for i, c in enumerate(seen.tolist())}
        try:
            cols = torch.tensor([column[int(y)] for y in labels])
        except KeyError as error:
            raise ValueError(f'ESZSL.fit: label {error} is not a seen class') from None
        Y = -torch.ones(len(X), len(seen), dtype=torch.float64)
        Y[torch.arange(len(X)), cols] = 1.
        d, a = X.shape[1], S.shape[1]
        left = torch.linalg.solve(X.T @ X + self.gamma * torch.eye(d, dtype=X.dtype), X.T @ Y @ S)
        self.V = torch.linalg.solve((S.T @ S + self.lambd * torch.eye(a, dtype=X.dtype)).T,
                                    left.T).T
        return self

    def scores(self, features: torch.Tensor, class_embeddings: torch.Tensor) -> torch.Tensor:
        """(N, C) compatibility scores ``X V A^T`` over all classes."""
        if self.V is None:
            raise RuntimeError('ESZSL: call fit() first')
        return (features.double() @ self.V @ class_embeddings.double().T).float()
