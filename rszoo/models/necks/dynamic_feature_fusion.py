"""Dynamic feature fusion: per-sample softmax weights over several stages.

The feature fusion module of SSKDNet (Y. Zhao, J. Liu, J. Yang, Z. Wu,
"Remote Sensing Image Scene Classification via Self-Supervised Learning and
Knowledge Distillation", Remote Sensing 14(19):4813, 2022), which "fuses
feature maps dynamically". The abstract gives no equations; this is rszoo's
form of it (``configs/sskdnet/README.md``).

For ``S`` backbone stages ``F_i`` of shape ``(N, C_i, H_i, W_i)``:

    p_i = act(norm(W_i GAP(F_i)))                      (N, D)   per stage
    s   = W_g [p_1; ...; p_S] + b_g                    (N, S)   gate scores
    a   = softmax(s, dim=1)                            (N, S)   sum_i a_i = 1
    z   = sum_i a[:, i] * p_i                          (N, D)

``W_i`` projects every stage to one width ``D = out_channels``; the gate
``W_g`` sees all stages and gives each sample its own weights. The gate starts
at zero (``zero_init_gate=True``), so training starts from the plain average
of the projected stages.

Shapes:
    inputs: tuple of ``(N, C_i, H_i, W_i)`` (a backbone's multi-stage output)
    -> tuple ``((N, D),)``, ready for mmpretrain's ``LinearClsHead``.
"""
from typing import Optional, Sequence, Tuple

import torch
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class DynamicFeatureFusion(BaseModule):
    """Fuse several stages' pooled features with per-sample softmax weights.

    Args:
        in_channels (Sequence[int]): channels ``C_i`` of the fused inputs, in
            the order of ``in_indices`` (or of the backbone outputs).
        out_channels (int): the common width ``D``. Defaults to 512.
        in_indices (Sequence[int], optional): which entries of the backbone's
            output tuple to fuse (negative counts from the end); None fuses
            all of them. Defaults to None.
        norm_cfg (dict, optional): norm after each projection (mmcv names,
            e.g. ``dict(type='LN')`` or ``dict(type='BN1d')``); None for none.
            Defaults to ``dict(type='LN')`` (independent of the batch size).
        act_cfg (dict, optional): activation after the norm; None for none.
            Defaults to ``dict(type='ReLU')``.
        zero_init_gate (bool): start the gate at zero (uniform weights).
            Defaults to True.
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: int = 512,
                 in_indices: Optional[Sequence[int]] = None,
                 norm_cfg: Optional[dict] = dict(type='LN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 zero_init_gate: bool = True,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if isinstance(in_channels, int) or len(in_channels) < 1:
            raise ValueError('DynamicFeatureFusion: in_channels must be a non-empty '
                             f'sequence of ints, got {in_channels!r}')
        if in_indices is not None and len(in_indices) != len(in_channels):
            raise ValueError(f'DynamicFeatureFusion: in_indices {tuple(in_indices)} and '
                             f'in_channels {tuple(in_channels)} differ in length')
        self.in_channels = tuple(in_channels)
        self.out_channels = out_channels
        self.in_indices = None if in_indices is None else tuple(in_indices)
        self.num_inputs = len(self.in_channels)

        self.pool = nn.AdaptiveAvgPool2d(1)
        self.projections = nn.ModuleList()
        for channels in self.in_channels:
            layers = [nn.Linear(channels, out_channels, bias=norm_cfg is None)]
            if norm_cfg is not None:
                layers.append(build_norm_layer(norm_cfg, out_channels)[1])
            if act_cfg is not None:
                layers.append(build_activation_layer(act_cfg))
            self.projections.append(nn.Sequential(*layers))
        self.gate = nn.Linear(self.num_inputs * out_channels, self.num_inputs)
        self.zero_init_gate = zero_init_gate
        if zero_init_gate:
            nn.init.zeros_(self.gate.weight)
            nn.init.zeros_(self.gate.bias)

    def init_weights(self):
        super().init_weights()
        if self.zero_init_gate:
            nn.init.zeros_(self.gate.weight)
            nn.init.zeros_(self.gate.bias)

    def _select(self, inputs: Sequence[torch.Tensor]) -> Sequence[torch.Tensor]:
        if not isinstance(inputs, (tuple, list)):
            inputs = (inputs, )
        if self.in_indices is not None:
            try:
                inputs = [inputs[i] for i in self.in_indices]
            except IndexError:
                raise IndexError(f'DynamicFeatureFusion: in_indices {self.in_indices} do '
                                 f'not fit the {len(inputs)} backbone outputs') from None
        if len(inputs) != self.num_inputs:
            raise ValueError(f'DynamicFeatureFusion: got {len(inputs)} feature maps, '
                             f'expected {self.num_inputs} (in_channels={self.in_channels}); '
                             "check the backbone's out_indices")
        for i, (x, c) in enumerate(zip(inputs, self.in_channels)):
            if x.dim() != 4 or x.size(1) != c:
                raise ValueError(f'DynamicFeatureFusion: input {i} has shape '
                                 f'{tuple(x.shape)}, expected (N, {c}, H, W)')
        return inputs

    def project(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Pooled, projected stages: ``(N, S, D)``."""
        inputs = self._select(inputs)
        return torch.stack(
            [proj(self.pool(x).flatten(1)) for proj, x in zip(self.projections, inputs)],
            dim=1)

    def fusion_weights(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The per-sample stage weights ``a``: ``(N, S)``, rows sum to 1."""
        return self.gate(self.project(inputs).flatten(1)).softmax(dim=1)

    def forward(self, inputs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor]:
        projected = self.project(inputs)  # (N, S, D)
        weights = self.gate(projected.flatten(1)).softmax(dim=1)  # (N, S)
        fused = (weights.unsqueeze(-1) * projected).sum(dim=1)  # (N, D)
        return (fused, )
