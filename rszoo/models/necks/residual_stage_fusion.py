"""Residual dynamic stage fusion: the last stage's pooled feature plus gated,
zero-initialised projections of the earlier stages.

A form of SSKDNet's feature fusion module (Y. Zhao, J. Liu, J. Yang, Z. Wu,
"Remote Sensing Image Scene Classification via Self-Supervised Learning and
Knowledge Distillation", Remote Sensing 14(19):4813, 2022: "fuses feature maps
dynamically"; the abstract gives no equation) that *starts as the plain
classifier*: for backbone stages ``F_1 .. F_S`` of shape ``(N, C_i, H_i, W_i)``

    g_i = GAP(F_i)                                    (N, C_i)
    a   = softmax(W_g n([g_1; ...; g_S]) + b_g)       (N, S-1)  per-sample gate
    z   = g_S + sum_{i<S} a_i * P_i(g_i)              (N, C_S)

with ``P_i`` a Linear ``C_i -> C_S`` and both ``P_i`` and the gate
zero-initialised. At step 0 ``z = GAP(F_S)``, exactly the feature of mmpretrain's
``GlobalAveragePooling`` neck, so an ImageNet-pretrained backbone and head see
the function of the baseline and the earlier stages enter only as far as
training moves ``P_i`` away from zero. No norm or activation touches the last
stage's feature. ``n`` is the identity, or with ``norm_gate_input=True`` a
LayerNorm over the concatenated pooled features: their raw scale (1,456 values
of order 1-10 for EfficientNet-Lite0) saturated the softmax within 50 SGD steps
at lr 0.02 in the first measured runs (``configs/sskdnet/README.md``).

Shapes:
    inputs: tuple of ``(N, C_i, H_i, W_i)`` -> tuple ``((N, C_S),)``, ready for
    mmpretrain's ``LinearClsHead``.
"""
from typing import Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class ResidualStageFusion(BaseModule):
    """``GAP(F_S) + sum_i a_i P_i(GAP(F_i))`` with zero-initialised ``P_i``.

    Args:
        in_channels (Sequence[int]): channels ``C_1 .. C_S`` of the backbone
            outputs, the last one the classifier's stage (at least 2).
        norm_gate_input (bool): LayerNorm the gate's input. Defaults to False.
        init_cfg (dict, optional): mmengine initialisation config (the
            projections and the gate are zeroed after it).
    """

    def __init__(self, in_channels: Sequence[int], norm_gate_input: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if isinstance(in_channels, int) or len(in_channels) < 2:
            raise ValueError('ResidualStageFusion: in_channels must list at least 2 stages '
                             f'(earlier ones and the last), got {in_channels!r}')
        self.in_channels = tuple(int(c) for c in in_channels)
        out = self.in_channels[-1]
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.projections = nn.ModuleList(nn.Linear(c, out) for c in self.in_channels[:-1])
        self.gate_norm = nn.LayerNorm(sum(self.in_channels)) if norm_gate_input \
            else nn.Identity()
        self.gate = nn.Linear(sum(self.in_channels), len(self.in_channels) - 1)
        self._zero()

    def _zero(self):
        for layer in (*self.projections, self.gate):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def init_weights(self):
        super().init_weights()
        self._zero()

    def _pooled(self, inputs: Sequence[torch.Tensor]):
        if not isinstance(inputs, (tuple, list)) or len(inputs) != len(self.in_channels):
            got = len(inputs) if isinstance(inputs, (tuple, list)) else 1
            raise ValueError(f'ResidualStageFusion: got {got} feature maps, expected '
                             f'{len(self.in_channels)} (in_channels={self.in_channels}); '
                             "check the backbone's out_indices")
        pooled = []
        for i, (x, c) in enumerate(zip(inputs, self.in_channels)):
            if x.dim() != 4 or x.size(1) != c:
                raise ValueError(f'ResidualStageFusion: input {i} has shape '
                                 f'{tuple(x.shape)}, expected (N, {c}, H, W)')
            pooled.append(self.pool(x).flatten(1))
        return pooled

    def fusion_weights(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The per-sample gate ``a``: ``(N, S-1)``, rows sum to 1."""
        return self.gate(self.gate_norm(torch.cat(self._pooled(inputs), dim=1))).softmax(dim=1)

    def forward(self, inputs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor]:
        pooled = self._pooled(inputs)
        weights = self.gate(self.gate_norm(torch.cat(pooled, dim=1))).softmax(dim=1)  # (N, S-1)
        fused = pooled[-1]
        for i, projection in enumerate(self.projections):
            fused = fused + weights[:, i:i + 1] * projection(pooled[i])
        return (fused, )
