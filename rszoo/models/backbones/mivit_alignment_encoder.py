"""MIViT's multi-scale "alignment" encoder: one CNN stream per modality.

MIViT (Multimodal Informative ViT, arXiv 2401.03179; authors' code
``icey-zhang/MIViT`` ``structure.py:514-553``, ``cnn_encoder_A_and_B``). For each
modality m with ``l_m`` bands and each scale k in ``scales`` (patch side
``base * k``; the authors' 8 / 16 / 24 are k = 1, 2, 3):

    s_{m,k} = CBR3x3_m(x_{m,k})                    (B, 32, base*k, base*k)  stem shared by scales
    f_{m,k} = MaxPool_k(ReLU(BN(Conv3x3_{m,k}(s))))  (B, 64, base, base)
    Z_m     = sum_k w_k f_{m,k}                      (B, 64, base, base)

with learnable scalars ``w_k`` (init 0.33) shared by both modalities, as in the
code. ``CBR`` = Conv + BatchNorm(momentum 0.9, eps 1e-3) + ReLU (the authors'
Keras-ported momentum: in PyTorch the running statistics then follow the last
batch almost entirely; ``bn_momentum`` changes it).

The streams are independent, so :meth:`forward_single` encodes one modality
alone: the missing-modality path of :class:`~rszoo.models.classifiers.MIViT`.
"""
from typing import List, Sequence, Tuple

import torch
from torch import nn

from rszoo.registry import MODELS

#: the authors' BatchNorm settings in CBR blocks (``cal_operator.py:20-25``)
AUTHORS_BN = dict(momentum=0.9, eps=1e-3)


def cbr(in_channels: int, out_channels: int, kernel_size=3, padding=1,
        bn_momentum: float = 0.9, bn_eps: float = 1e-3) -> nn.Sequential:
    """Conv - BatchNorm - ReLU (``conv_bn_relu`` of the authors' code)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, 1, padding),
        nn.BatchNorm2d(out_channels, momentum=bn_momentum, eps=bn_eps), nn.ReLU())


def cbrm(in_channels: int, out_channels: int, pool: int, kernel_size=3,
         padding=1) -> nn.Sequential:
    """Conv - BatchNorm (PyTorch defaults) - ReLU - MaxPool(pool)
    (``conv_bn_relu_max`` of the authors' code)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, 1, padding),
        nn.BatchNorm2d(out_channels), nn.ReLU(), nn.MaxPool2d(pool))


@MODELS.register_module()
class MIViTAlignmentEncoder(nn.Module):
    """Two multi-scale CNN streams summed over scales (see module doc).

    Args:
        in_channels (sequence of int): bands of modality A (HSI) and B (LiDAR).
        scales (sequence of int): pooling factor of each input scale; input k
            must be ``base * scales[k]`` pixels wide. Default ``(1, 2, 3)``.
        stem_channels (int): stem width (32).
        out_channels (int): output width (64).
        bn_momentum (float): BatchNorm momentum of the stems (authors' 0.9).

    Inputs: two lists (one per modality) of ``(B, l_m, base*k, base*k)``.
    Output: ``(Z_a, Z_b)``, each ``(B, out_channels, base, base)``.
    """

    def __init__(self, in_channels: Sequence[int], scales: Sequence[int] = (1, 2, 3),
                 stem_channels: int = 32, out_channels: int = 64, bn_momentum: float = 0.9):
        super().__init__()
        if len(in_channels) != 2:
            raise ValueError(f'MIViTAlignmentEncoder: two modalities expected, got '
                             f'in_channels={in_channels}')
        self.scales = tuple(int(k) for k in scales)
        self.out_channels = out_channels
        self.stems = nn.ModuleList(
            cbr(c, stem_channels, bn_momentum=bn_momentum) for c in in_channels)
        self.branches = nn.ModuleList(
            nn.ModuleList(cbrm(stem_channels, out_channels, k) for k in self.scales)
            for _ in in_channels)
        self.scale_weights = nn.Parameter(torch.full((len(self.scales),), 0.33))

    def forward_single(self, inputs: List[torch.Tensor], index: int) -> torch.Tensor:
        """``Z`` of modality ``index`` (0 = A, 1 = B) from its multi-scale inputs."""
        if len(inputs) != len(self.scales):
            raise ValueError(f'MIViTAlignmentEncoder: {len(inputs)} input scales for '
                             f'{len(self.scales)} scales {self.scales}')
        stem, branches = self.stems[index], self.branches[index]
        out = 0
        for weight, branch, x in zip(self.scale_weights, branches, inputs):
            out = out + weight * branch(stem(x))
        return out

    def forward(self, inputs_a: List[torch.Tensor],
                inputs_b: List[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.forward_single(inputs_a, 0), self.forward_single(inputs_b, 1)
