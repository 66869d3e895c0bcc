"""Feature Pyramid Network (Lin et al., CVPR 2017) over backbone stages, with
FCOS/RetinaNet's extra levels, computed by torchvision's
:class:`~torchvision.ops.FeaturePyramidNetwork`.

Inputs ``(C3, C4, C5)`` with ``in_channels[i]`` channels and strides 8, 16, 32;
outputs ``(P3, P4, P5[, P6, P7])``, all with ``out_channels``: lateral 1x1 convs,
top-down nearest upsampling + sum, 3x3 output convs. Extra levels:

- ``'p6p7'``: ``P6 = conv3x3/2(P5)``, ``P7 = conv3x3/2(ReLU(P6))`` (FCOS's
  ``add_extra_convs='on_output'``; torchvision's ``LastLevelP6P7`` on P5);
- ``'pool'``: ``P6 = maxpool1x1/2(P5)`` (torchvision's ``LastLevelMaxPool``);
- ``None``: no extra level.
"""
from collections import OrderedDict
from typing import Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torchvision.ops import FeaturePyramidNetwork
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool, LastLevelP6P7

from rszoo.registry import MODELS

EXTRA_LEVELS = ('p6p7', 'pool', None)


@MODELS.register_module()
class FPN(BaseModule):
    """FPN neck (module docstring).

    Args:
        in_channels (sequence[int]): channels of each input level.
        out_channels (int): channels of every output level.
        extra_levels (str, optional): ``'p6p7'``, ``'pool'`` or None.
        init_cfg (dict, optional): mmengine init (torchvision's Kaiming-uniform
            init when None).
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: int,
                 extra_levels: Optional[str] = 'p6p7',
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if extra_levels not in EXTRA_LEVELS:
            raise ValueError(f'FPN: extra_levels must be one of {EXTRA_LEVELS}, '
                             f'got {extra_levels!r}')
        self.in_channels = tuple(in_channels)
        self.out_channels = out_channels
        extra = {'p6p7': lambda: LastLevelP6P7(out_channels, out_channels),
                 'pool': LastLevelMaxPool, None: lambda: None}[extra_levels]()
        self.num_outs = len(self.in_channels) + {'p6p7': 2, 'pool': 1, None: 0}[extra_levels]
        self.fpn = FeaturePyramidNetwork(list(self.in_channels), out_channels,
                                         extra_blocks=extra)

    def forward(self, inputs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        if len(inputs) != len(self.in_channels):
            raise ValueError(f'FPN: {len(inputs)} input levels for in_channels '
                             f'{self.in_channels}')
        for i, (x, c) in enumerate(zip(inputs, self.in_channels)):
            if x.shape[1] != c:
                raise ValueError(f'FPN: input level {i} has {x.shape[1]} channels, '
                                 f'in_channels says {c}')
        outs = self.fpn(OrderedDict((str(i), x) for i, x in enumerate(inputs)))
        return tuple(outs.values())
