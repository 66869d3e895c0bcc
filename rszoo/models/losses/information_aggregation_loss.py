"""MIViT's information-aggregation constraint (IAC; authors' ``Mutual_info``,
``structure.py:791-821``, combined in ``MMA.forward``, ``MMA.py:25-34``).

For a pair of feature maps (a, b), each ``(B, C, h, w)``:

    u = tanh(W_a vec(LeakyReLU(Conv3x3_a a))),  v = tanh(W_b vec(LeakyReLU(Conv3x3_b b)))   (B, 4)
    MI(a, b) = CE_soft(sigmoid v ; sg sigmoid u) + CE_soft(sigmoid u ; sg sigmoid v)
               - [KL(softmax v || softmax u) + KL(softmax u || softmax v)]

with ``CE_soft(x; t) = mean_i -sum_j t_ij log softmax(x_i)_j`` (``nn.CrossEntropyLoss``
with probability targets; the sigmoid outputs are used as logits and the target
is not normalised) and ``KL`` = ``kl_div(log_softmax, softmax, reduction='mean')
/ B`` (so the KL part is small), ``sg`` = stop-gradient. The constraint is

    L_IAC = MI(Z_h, Z_l) - alpha * MI(Z_f, Z_l) - beta * MI(Z_h, Z_f)

with learnable alpha, beta (init 0.5): keep the two modalities' features apart
while pulling the fused feature towards each. It is a heuristic, not a mutual
information bound (the authors' code ``icey-zhang/MIViT``); rszoo reproduces it as
coded. The module owns its estimators' weights and alpha, beta, so it lives in
the model and trains with it.
"""
import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


class MutualInfoEstimator(nn.Module):
    """``MI(a, b)`` of one feature pair (see module doc)."""

    def __init__(self, channels: int = 64, num_pixels: int = 64, latent: int = 4):
        super().__init__()
        self.conv_a = nn.Conv2d(channels, channels, 3, 1, 1)
        self.conv_b = nn.Conv2d(channels, channels, 3, 1, 1)
        self.fc_a = nn.Linear(channels * num_pixels, latent)
        self.fc_b = nn.Linear(channels * num_pixels, latent)

    @staticmethod
    def _kl(f_s: torch.Tensor, f_t: torch.Tensor) -> torch.Tensor:
        # kl_div(reduction='mean') of the code = sum / (B * latent); then / B again
        kl = F.kl_div(F.log_softmax(f_s, 1), F.softmax(f_t, 1), reduction='sum')
        return kl / f_t.numel() / f_t.shape[0]

    @staticmethod
    def _soft_ce(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(torch.sigmoid(x), torch.sigmoid(target).detach())

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        u = torch.tanh(self.fc_a(F.leaky_relu(self.conv_a(a)).flatten(1)))
        v = torch.tanh(self.fc_b(F.leaky_relu(self.conv_b(b)).flatten(1)))
        ce = self._soft_ce(v, u) + self._soft_ce(u, v)
        kl = self._kl(u, v) + self._kl(v, u)
        return ce - kl


@MODELS.register_module()
class InformationAggregationLoss(nn.Module):
    """``L_IAC`` of ``(Z_h, Z_l, Z_f)`` (see module doc).

    Args:
        channels (int): C of the three maps (64).
        num_pixels (int): h*w (64; 1 for pixel vectors).
        latent (int): latent size (4).
        alpha_init, beta_init (float): the learnable weights' start (0.5).
        loss_weight (float): factor on ``L_IAC`` (the authors' lambda2 = 0.1).
    """

    def __init__(self, channels: int = 64, num_pixels: int = 64, latent: int = 4,
                 alpha_init: float = 0.5, beta_init: float = 0.5, loss_weight: float = 0.1):
        super().__init__()
        self.mi_h_l = MutualInfoEstimator(channels, num_pixels, latent)
        self.mi_f_l = MutualInfoEstimator(channels, num_pixels, latent)
        self.mi_h_f = MutualInfoEstimator(channels, num_pixels, latent)
        self.alpha = nn.Parameter(torch.tensor(float(alpha_init)))
        self.beta = nn.Parameter(torch.tensor(float(beta_init)))
        self.loss_weight = float(loss_weight)

    def forward(self, z_h: torch.Tensor, z_l: torch.Tensor, z_f: torch.Tensor) -> torch.Tensor:
        loss = (self.mi_h_l(z_h, z_l) - self.alpha * self.mi_f_l(z_f, z_l)
                - self.beta * self.mi_h_f(z_h, z_f))
        return self.loss_weight * loss
