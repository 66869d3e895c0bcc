"""The compression plan: kept channels and bit widths, as a JSON file.

``tools/model_converters/picpq_compress.py`` writes ``plan.json`` next to the
pruned checkpoint; :func:`apply_plan` turns a freshly built dense model into the
compressed one (:class:`CompressedModel` does it from a config):

* ``groups``: ``{group name: {'width', 'dense_width', 'kept', 'kind'}}`` of
  :func:`~rszoo.models.compression.resnet_channel_groups`; the model is shrunk to
  ``width`` channels per group (the first ones: the weights come from the pruned
  checkpoint);
* ``layers``: ``{conv name: {'weight_bits', 'input_bits', 'bmax', 's', ...}}``:
  every conv with ``weight_bits != 32`` or an ``input_bits`` becomes a
  :class:`~rszoo.models.compression.QuantConv2d` (quantizers off until
  :class:`~rszoo.engine.hooks.FakeQuantHook` switches them on).

PIC-PQ (Xie et al., arXiv:2312.00851) quantizes each block's inner activation at
the bits of the conv that produces it; :func:`layer_bits` writes that as the
``input_bits`` of the conv that reads it (the consumer of an internal group).
"""
import json
import os.path as osp
from typing import Dict, Sequence, Union

from torch import nn

from rszoo.fileio import atomic_write_bytes, resolve_path
from .channel_groups import ChannelGroup, apply_group_widths, resnet_channel_groups
from .quant_conv import QuantConv2d
from .quantizers import FULL_PRECISION

PLAN_FORMAT = 'rszoo-compression-plan'
PLAN_VERSION = 1


def layer_bits(groups: Sequence[ChannelGroup], bits: Dict[str, dict]) -> Dict[str, dict]:
    """``{conv: {'weight_bits', 'input_bits', **bits[conv]}}``: the input of
    the consumer of an internal group is quantized at its producer's bits
    (None when those are 32); every other conv reads a full-precision input."""
    out = {name: dict(info, weight_bits=int(info['bits']), input_bits=None)
           for name, info in bits.items()}
    for group in groups:
        if group.kind != 'internal':
            continue
        (producer, ) = group.producers
        produced = int(bits[producer]['bits'])
        for consumer in group.consumers:
            if consumer in out and produced != FULL_PRECISION:
                out[consumer]['input_bits'] = produced
    return out


def save_plan(plan: dict, path: str) -> None:
    """Write ``plan`` as JSON (atomically)."""
    plan = dict(plan, format=PLAN_FORMAT, version=PLAN_VERSION)
    atomic_write_bytes((json.dumps(plan, indent=1) + '\n').encode(), path)


def load_plan(plan: Union[str, dict]) -> dict:
    """A plan dict from a dict or a JSON file (the path resolved like every
    rszoo user path); a ValueError names what is missing."""
    if isinstance(plan, str):
        path = resolve_path(plan)
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'compression plan {plan!r} not found (resolved to {path}); write it with '
                'tools/model_converters/picpq_compress.py CONFIG CHECKPOINT')
        with open(path) as f:
            plan = json.load(f)
    if not isinstance(plan, dict) or plan.get('format') != PLAN_FORMAT:
        raise ValueError(f'compression plan: expected a dict with format={PLAN_FORMAT!r}, got '
                         f'{type(plan).__name__} with format '
                         f'{plan.get("format") if isinstance(plan, dict) else None!r}')
    if plan.get('version') != PLAN_VERSION:
        raise ValueError(f'compression plan: version {plan.get("version")!r} is not '
                         f'{PLAN_VERSION}')
    for key in ('groups', 'layers'):
        if not isinstance(plan.get(key), dict):
            raise ValueError(f'compression plan: key {key!r} must be a dict')
    return plan


def _replace_module(model: nn.Module, name: str, new: nn.Module) -> None:
    parent_name, _, child = name.rpartition('.')
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, new)


def apply_plan(model: nn.Module, plan: Union[str, dict]) -> nn.Module:
    """Shrink ``model`` (a dense classifier, freshly built) to the plan's widths
    and swap its quantized convs for :class:`QuantConv2d`; returns ``model``."""
    plan = load_plan(plan)
    groups = resnet_channel_groups(model)
    dense = {g.name: g.width for g in groups}
    for name, info in plan['groups'].items():
        if name in dense and int(info.get('dense_width', dense[name])) != dense[name]:
            raise ValueError(f'compression plan: group {name} was made for '
                             f'{info["dense_width"]} channels, the model has {dense[name]}')
    apply_group_widths(model, groups, {n: int(g['width']) for n, g in plan['groups'].items()})
    swap_quant_convs(model, plan['layers'])
    return model


def swap_quant_convs(model: nn.Module, layers: Dict[str, dict]) -> nn.Module:
    """Replace every conv of ``layers`` with ``weight_bits != 32`` or an
    ``input_bits`` by a :class:`QuantConv2d` sharing its parameters (quantizers
    off); returns ``model``."""
    for name, info in layers.items():
        try:
            conv = model.get_submodule(name)
        except AttributeError:
            raise KeyError(f'compression plan: layer {name!r} is not a module of the model')
        if not isinstance(conv, nn.Conv2d):
            raise TypeError(f'compression plan: layer {name!r} is a {type(conv).__name__}, '
                            'expected Conv2d')
        weight_bits = int(info['weight_bits'])
        input_bits = info.get('input_bits')
        if weight_bits == FULL_PRECISION and input_bits is None:
            continue
        if isinstance(conv, QuantConv2d):
            raise ValueError(f'compression plan: {name} is already a QuantConv2d')
        _replace_module(model, name, QuantConv2d.from_conv(
            conv, weight_bits, None if input_bits is None else int(input_bits)))
    return model
