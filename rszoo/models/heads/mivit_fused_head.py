"""MIViT's main classifier (authors' ``classification``, ``structure.py:431-454``).

``x_cls = c1 * Linear(LN(x_vit[:, 0])) + c2 * CNNHead(tokens as a (B, D, h, w) map)``
with learnable scalars c1, c2 (init 0.5). The ViT half gives logits, the CNN half
(:class:`~.MIViTConvHead`) probabilities: the sum mixes the two, as in the code.
The CNN half reads the token embedding **before** the transformer.
Returns ``(x_cls, cnn_part, vit_part)``, each ``(B, K)``.
"""
import torch
from torch import nn

from rszoo.registry import MODELS

from .mivit_conv_head import MIViTConvHead


@MODELS.register_module()
class MIViTFusedHead(nn.Module):
    """Args: num_classes, embed_dim (64), conv_softmax (True, the authors')."""

    def __init__(self, num_classes: int, embed_dim: int = 64, conv_softmax: bool = True):
        super().__init__()
        self.vit_head = nn.Sequential(nn.LayerNorm(embed_dim), nn.Linear(embed_dim, num_classes))
        self.cnn_head = MIViTConvHead(num_classes, embed_dim, softmax=conv_softmax)
        self.coefficient_vit = nn.Parameter(torch.tensor([0.5]))
        self.coefficient_cnn = nn.Parameter(torch.tensor([0.5]))

    def forward(self, x_vit: torch.Tensor, tokens: torch.Tensor):
        b, n, d = tokens.shape
        side = int(round(n ** 0.5))
        if side * side != n:
            raise ValueError(f'MIViTFusedHead: {n} tokens do not form a square map')
        vit = self.vit_head(x_vit[:, 0]) * self.coefficient_vit
        cnn = self.cnn_head(tokens.transpose(1, 2).reshape(b, d, side, side)) \
            * self.coefficient_cnn
        return vit + cnn, cnn, vit
