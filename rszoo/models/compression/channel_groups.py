"""Channel groups of a ResNet classifier and structured channel pruning.

Structured (filter) pruning removes output channels of a conv, the matching
entries of the BatchNorm after it, and the matching input channels of every
layer that reads them. In a ResNet, channels are coupled by the residual
additions: every conv whose output is added into the same residual stream must
keep the same channels. PIC-PQ (Xie et al., arXiv:2312.00851) handles this as
LeGR-style pruners do (the authors' ``pruner/fp_resnet.py``): the stem and every
block's last conv form one *chain*; a channel ``j`` of the chain is scored by
the sum of its members' scores ``sum_l I_j^l`` and removed from all members at
once.

The authors' CIFAR ResNet-56 has parameter-free (zero-padding) shortcuts, so its
whole residual stream is one chain. mmpretrain's ResNet-18/34/50 (the rszoo
models) has a 1x1 projection conv on the first shortcut of stages 2-4, which
re-maps the channels, so each stage's stream is one chain here:

* ``backbone.layer1:stream`` = stem ``conv1`` + ``layer1.{i}.conv2`` (BasicBlock;
  ``conv3`` for Bottleneck), read by every ``layer1.{i}.conv1``, by
  ``layer2.0.conv1`` and by ``layer2.0.downsample``'s conv;
* ``backbone.layer{s}:stream`` (s >= 2) = ``layer{s}.0.downsample`` conv +
  ``layer{s}.{i}.conv2``, read by the next stage's first block (or, for the last
  stage, through global average pooling by the head's ``fc``).

(For a Bottleneck ResNet, whose ``layer1.0`` has a projection, the stem alone is
``backbone.stem:stream``.)

Every other conv (``conv1`` of a BasicBlock; ``conv1``/``conv2`` of a
Bottleneck) is a group of its own, read only by the next conv of its block.

A :class:`ChannelGroup` names modules by their dotted path in the classifier
(``model.get_submodule(name)``).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import torch
from torch import nn

from rszoo.registry import TASK_UTILS


@dataclass
class ChannelGroup:
    """Channels that must be pruned together.

    Attributes:
        name: ``'backbone.layer1:stream'`` or the conv's path for a single conv.
        producers: convs whose *output* channels are the group's channels.
        norms: the BatchNorm after each producer (same order).
        consumers: convs / linears whose *input* channels are the group's.
        width: the number of channels now.
        kind: ``'stream'`` (a residual chain) or ``'internal'``.
    """
    name: str
    producers: List[str] = field(default_factory=list)
    norms: List[str] = field(default_factory=list)
    consumers: List[str] = field(default_factory=list)
    width: int = 0
    kind: str = 'internal'


def _norm_of(module, attr_name: str, prefix: str):
    name = getattr(module, attr_name, None)
    if name is None or not isinstance(getattr(module, name, None), nn.BatchNorm2d):
        raise TypeError(f'resnet_channel_groups: {prefix} has no BatchNorm2d '
                        f'{attr_name!r}; expected mmpretrain\'s ResNet with BN')
    return f'{prefix}.{name}'


def _downsample_conv_and_norm(block, prefix: str):
    convs = [(n, m) for n, m in block.downsample.named_children() if isinstance(m, nn.Conv2d)]
    norms = [(n, m) for n, m in block.downsample.named_children()
             if isinstance(m, nn.BatchNorm2d)]
    if len(convs) != 1 or len(norms) != 1:
        raise TypeError(f'resnet_channel_groups: {prefix}.downsample must hold one Conv2d '
                        f'and one BatchNorm2d, found {len(convs)} and {len(norms)}')
    return f'{prefix}.downsample.{convs[0][0]}', f'{prefix}.downsample.{norms[0][0]}'


@TASK_UTILS.register_module()
def resnet_channel_groups(model: nn.Module) -> List[ChannelGroup]:
    """The channel groups of an mmpretrain ``ImageClassifier`` with a ``ResNet``
    backbone (BasicBlock or Bottleneck, plain stem), a ``GlobalAveragePooling``
    neck (or none) and a head with a linear ``fc``.

    Returns the groups in module order: for each block its internal groups, the
    stage's stream group when the stage is complete.
    """
    backbone = getattr(model, 'backbone', None)
    if backbone is None or not hasattr(backbone, 'res_layers'):
        raise TypeError('resnet_channel_groups: expected a classifier whose backbone is '
                        f"mmpretrain's ResNet (with res_layers), got "
                        f'{type(backbone).__name__}')
    if getattr(backbone, 'deep_stem', False):
        raise NotImplementedError('resnet_channel_groups: deep_stem=True is not supported '
                                  '(the plain 7x7 stem is)')
    last = len(backbone.res_layers) - 1
    if tuple(backbone.out_indices) != (last, ):
        raise NotImplementedError(
            f'resnet_channel_groups: backbone.out_indices must be ({last},) (only the last '
            f'stage feeds the head), got {tuple(backbone.out_indices)}')
    neck = getattr(model, 'neck', None)
    if neck is not None and type(neck).__name__ != 'GlobalAveragePooling':
        raise NotImplementedError(f'resnet_channel_groups: neck {type(neck).__name__} is not '
                                  'supported (GlobalAveragePooling or none)')
    head = getattr(model, 'head', None)
    if head is None or not isinstance(getattr(head, 'fc', None), nn.Linear):
        raise NotImplementedError('resnet_channel_groups: the head needs a linear "fc" '
                                  '(LinearClsHead)')

    groups: List[ChannelGroup] = []
    stream = ChannelGroup('backbone.stem:stream', ['backbone.conv1'],
                          [_norm_of(backbone, 'norm1_name', 'backbone')], kind='stream')
    for stage, layer_name in enumerate(backbone.res_layers):
        layer = getattr(backbone, layer_name)
        for index, block in enumerate(layer):
            prefix = f'backbone.{layer_name}.{index}'
            convs = [c for c in ('conv1', 'conv2', 'conv3')
                     if isinstance(getattr(block, c, None), nn.Conv2d)]
            if len(convs) < 2:
                raise TypeError(f'resnet_channel_groups: {prefix} is not a BasicBlock or '
                                'Bottleneck (conv1, conv2[, conv3])')
            norms = [_norm_of(block, f'norm{i + 1}_name', prefix) for i in range(len(convs))]
            stream.consumers.append(f'{prefix}.conv1')
            if block.downsample is not None:
                ds_conv, ds_norm = _downsample_conv_and_norm(block, prefix)
                stream.consumers.append(ds_conv)
                groups.append(stream)
                stream = ChannelGroup('', [ds_conv], [ds_norm], kind='stream')
            elif index == 0 and stage > 0:
                # a new stage without a projection: the stream would span stages
                raise NotImplementedError(
                    f'resnet_channel_groups: {prefix} starts a stage without a downsample '
                    'conv; its stream cannot be separated from the previous stage')
            for i in range(len(convs) - 1):
                groups.append(ChannelGroup(f'{prefix}.{convs[i]}', [f'{prefix}.{convs[i]}'],
                                           [norms[i]], [f'{prefix}.{convs[i + 1]}']))
            stream.producers.append(f'{prefix}.{convs[-1]}')
            stream.norms.append(norms[-1])
            # a stream is named after the (last) stage whose blocks add into it
            stream.name = f'backbone.{layer_name}:stream'
    stream.consumers.append('head.fc')
    groups.append(stream)
    for group in groups:
        group.width = check_group_widths(model, group)
    return groups


def check_group_widths(model: nn.Module, group: ChannelGroup) -> int:
    """The common channel count of ``group``; a ValueError naming the module
    whose width differs."""
    widths = {}
    for name in group.producers:
        widths[name] = model.get_submodule(name).out_channels
    for name in group.norms:
        widths[name] = model.get_submodule(name).num_features
    for name in group.consumers:
        module = model.get_submodule(name)
        if isinstance(module, nn.Conv2d):
            if module.groups != 1:
                raise NotImplementedError(f'channel pruning: {name} is a grouped conv '
                                          f'(groups={module.groups}); not supported')
            widths[name] = module.in_channels
        elif isinstance(module, nn.Linear):
            widths[name] = module.in_features
        else:
            raise TypeError(f'channel pruning: consumer {name} is a {type(module).__name__}, '
                            'expected Conv2d or Linear')
    values = set(widths.values())
    if len(values) != 1:
        raise ValueError(f'channel group {group.name}: its modules disagree on the width: '
                         f'{widths}')
    return values.pop()


def _select(param: torch.Tensor, keep: torch.Tensor, dim: int) -> nn.Parameter:
    data = param.data.index_select(dim, keep.to(param.device)).clone()
    return nn.Parameter(data, requires_grad=param.requires_grad)


def prune_group(model: nn.Module, group: ChannelGroup, keep: Sequence[int]) -> None:
    """Keep the channels ``keep`` (indices into the group's current channels, in
    increasing order) in every producer conv (``weight[keep]``, ``C_out' x C_in x
    k x k``), its BatchNorm (weight, bias, running mean/var), and every consumer
    (conv ``weight[:, keep]``, linear ``weight[:, keep]``). Parameters are new
    tensors: build the optimizer afterwards."""
    keep = torch.as_tensor(list(keep), dtype=torch.long)
    if keep.numel() == 0:
        raise ValueError(f'prune_group {group.name}: at least one channel must be kept')
    if keep.unique().numel() != keep.numel() or bool((keep[1:] <= keep[:-1]).any()):
        raise ValueError(f'prune_group {group.name}: keep must be strictly increasing indices')
    if int(keep.min()) < 0 or int(keep.max()) >= group.width:
        raise ValueError(f'prune_group {group.name}: keep indices must lie in '
                         f'[0, {group.width}), got {keep.min().item()}..{keep.max().item()}')
    n = keep.numel()
    for name in group.producers:
        conv = model.get_submodule(name)
        conv.weight = _select(conv.weight, keep, 0)
        if conv.bias is not None:
            conv.bias = _select(conv.bias, keep, 0)
        conv.out_channels = n
    for name in group.norms:
        norm = model.get_submodule(name)
        if norm.affine:
            norm.weight = _select(norm.weight, keep, 0)
            norm.bias = _select(norm.bias, keep, 0)
        if norm.track_running_stats:
            norm.running_mean = norm.running_mean.index_select(0, keep).clone()
            norm.running_var = norm.running_var.index_select(0, keep).clone()
        norm.num_features = n
    for name in group.consumers:
        module = model.get_submodule(name)
        module.weight = _select(module.weight, keep, 1)
        if isinstance(module, nn.Conv2d):
            module.in_channels = n
        else:
            module.in_features = n
            head = model.get_submodule(name.rsplit('.', 1)[0]) if '.' in name else None
            if head is not None and hasattr(head, 'in_channels'):
                head.in_channels = n
    group.width = n


def apply_group_widths(model: nn.Module, groups: Sequence[ChannelGroup],
                       widths: Dict[str, int]) -> None:
    """Shrink every group to ``widths[group.name]`` channels (the first ones:
    the values come from a pruned checkpoint loaded afterwards). A KeyError
    names a group missing from ``widths``; a ValueError an unknown name."""
    names = {g.name for g in groups}
    unknown = sorted(set(widths) - names)
    if unknown:
        raise ValueError(f'apply_group_widths: unknown channel groups {unknown}; the model '
                         f'has {sorted(names)}')
    for group in groups:
        if group.name not in widths:
            raise KeyError(f'apply_group_widths: no width for channel group {group.name!r}')
        width = int(widths[group.name])
        if not 1 <= width <= group.width:
            raise ValueError(f'apply_group_widths: {group.name} width {width} not in '
                             f'1..{group.width}')
        if width < group.width:
            prune_group(model, group, range(width))


def conv_names_in_order(model: nn.Module, groups: Sequence[ChannelGroup]) -> List[str]:
    """Every producer conv of ``groups``, in module order (the order of the
    per-layer ``(a_l, b_l)`` rows and of ``bmax``)."""
    producers = {n for g in groups for n in g.producers}
    return [name for name, m in model.named_modules() if name in producers]
