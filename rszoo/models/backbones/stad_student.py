"""STAD's student: the convolutional network distilled from the transformer
teacher and used for detection.

Ma, Xie, Li, arXiv 2401.01093; authors' code ``models/student_net.py`` (the
student of Fig. 3(b) and ``test.py``). ``num_stages - 1`` blocks of
``[Conv3x3 C->hidden (pad 1), BN, ReLU, ConvTranspose3x3 hidden->C (stride 1,
pad 1), BN, ReLU]``, then a per-pixel ``Linear C->C`` (a 1x1 conv here, the same
map). Returns the output of every block and of the linear layer, all
(B, C, H, W), matched stage by stage to the teacher's. Receptive field 9x9
with the default 3 stages.

``arch='mlp'`` is the per-pixel MLP student (``student_net_l``, shipped by the
authors only as bytecode, imported by ``train_student.py``): the same blocks
with 1x1 layers, no BN: ``[Linear C->hidden, ReLU, Linear hidden->C, ReLU]``.
"""
from typing import List

import torch
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class STADStudent(BaseModule):
    """Args:
        in_channels (int): C, the band count.
        num_stages (int): outputs (blocks + the final linear). Default 3.
        hidden_dim (int): Default 100.
        arch (str): ``'conv'`` (default, Fig. 3(b)) or ``'mlp'``.
    """

    def __init__(self, in_channels: int, num_stages: int = 3, hidden_dim: int = 100,
                 arch: str = 'conv', init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if arch not in ('conv', 'mlp'):
            raise ValueError(f'STADStudent: arch must be "conv" or "mlp", got "{arch}"')
        if num_stages < 2:
            raise ValueError(f'STADStudent: num_stages must be >= 2, got {num_stages}')
        self.in_channels, self.arch = in_channels, arch
        blocks = []
        for _ in range(num_stages - 1):
            if arch == 'conv':
                blocks.append(nn.Sequential(
                    nn.Conv2d(in_channels, hidden_dim, 3, 1, 1), nn.BatchNorm2d(hidden_dim),
                    nn.ReLU(),
                    nn.ConvTranspose2d(hidden_dim, in_channels, 3, 1, 1),
                    nn.BatchNorm2d(in_channels), nn.ReLU()))
            else:
                blocks.append(nn.Sequential(
                    nn.Conv2d(in_channels, hidden_dim, 1), nn.ReLU(),
                    nn.Conv2d(hidden_dim, in_channels, 1), nn.ReLU()))
        self.blocks = nn.ModuleList(blocks)
        self.out_layer = nn.Conv2d(in_channels, in_channels, 1)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """(B, C, H, W) -> list of ``num_stages`` (B, C, H, W)."""
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f'STADStudent: expected (B, {self.in_channels}, H, W), got '
                             f'{tuple(x.shape)}')
        outs = []
        for block in self.blocks:
            x = block(x)
            outs.append(x)
        outs.append(self.out_layer(x))
        return outs
