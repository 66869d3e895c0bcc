"""Global pruning to a FLOPs target with a per-layer safeguard (PIC-PQ).

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851, rank all filters of the network on one scale (the
PIC importance ``I = a_l * FP + b_l``, chains summed) and remove them in
ascending order of importance until the FLOPs fall below the target, the
authors' ``FilterPruner.one_shot_lowest_ranking_filters``:

* target ``F_t = flops_target * F_dense`` (the authors' ``1 - prune_away/100``);
* every group ``g`` of width ``n_g`` may lose at most
  ``quota_g = min(floor(n_g * (1 - safeguard)), n_g - min_channels)`` channels
  (``n_g - 1`` when ``safeguard = 0``): with the authors' 0.1 a layer keeps at
  least ~10 % of its filters and never fewer than 2;
* FLOPs are ``sum_l H_out W_out k_h k_w / groups * C_in(l) * C_out(l)`` over the
  convs plus ``C_in * C_out`` of the linears, re-evaluated with the current
  widths after every removed channel (the authors check every 10), so the loop
  stops at the first plan with FLOPs <= ``F_t``.

The layer table comes from one traced forward pass of the dense model
(:class:`~rszoo.models.compression.BOPsCounter`); after pruning, the tool
measures the built model again and checks the two agree.
"""
import math
from typing import Dict, List, Sequence

import numpy as np
import torch
from torch import nn

from rszoo.registry import TASK_UTILS
from .bops import BOPsCounter
from .channel_groups import ChannelGroup


class LayerCostModel:
    """FLOPs of a model as a function of its channel-group widths.

    Built from a traced forward pass: every conv / linear ``l`` contributes
    ``coef_l * C_in(l) * C_out(l)`` with ``coef_l = tokens * k_h k_w / groups``;
    ``C_in`` / ``C_out`` are a group's width when the layer reads / writes a
    group's channels, else fixed (the image's 3 channels, the class count).
    """

    def __init__(self, model: nn.Module, groups: Sequence[ChannelGroup],
                 input_shape: Sequence[int]):
        layers = BOPsCounter(input_shape).layers(model)
        produced = {p: g.name for g in groups for p in g.producers}
        consumed = {c: g.name for g in groups for c in g.consumers}
        self.group_names = [g.name for g in groups]
        self.dense_widths = {g.name: g.width for g in groups}
        self.terms = []   # (coef, in: group name or int, out: group name or int, layer)
        for layer in layers:
            tokens = int(np.prod(layer.out_size))
            coef = tokens * layer.kernel / layer.groups
            cin = consumed.get(layer.name, layer.in_channels)
            cout = produced.get(layer.name, layer.out_channels)
            self.terms.append((coef, cin, cout, layer.name))
        self.dense_flops = self.flops(self.dense_widths)
        measured = sum(layer.macs for layer in layers)
        if int(round(self.dense_flops)) != measured:
            raise RuntimeError(f'LayerCostModel: {self.dense_flops} FLOPs from the table, '
                               f'{measured} measured')

    def flops(self, widths: Dict[str, int]) -> int:
        total = 0.0
        for coef, cin, cout, _ in self.terms:
            total += coef * (widths[cin] if isinstance(cin, str) else cin) * \
                (widths[cout] if isinstance(cout, str) else cout)
        return int(round(total))


def safeguard_quota(width: int, safeguard: float, min_channels: int = 2) -> int:
    """How many of ``width`` channels a group may lose (the authors' quota)."""
    if safeguard == 0:
        return max(width - 1, 0)
    return max(min(int(math.floor(width * (1 - safeguard))), width - min_channels), 0)


@TASK_UTILS.register_module()
class GlobalFLOPsPruner:
    """Remove the globally least important channels until FLOPs <= target.

    Args:
        flops_target: kept fraction of the dense FLOPs, in (0, 1] (0.45 = the
            authors' ``prune_away`` 55).
        safeguard: the authors' safeguard (0.1).
        min_channels: channels a group keeps at least (the authors' 2).
    """

    def __init__(self, flops_target: float = 0.45, safeguard: float = 0.1,
                 min_channels: int = 2):
        if not 0 < float(flops_target) <= 1:
            raise ValueError(f'GlobalFLOPsPruner.flops_target: expected the kept fraction of '
                             f'the dense FLOPs in (0, 1], got {flops_target}')
        if not 0 <= float(safeguard) < 1:
            raise ValueError(f'GlobalFLOPsPruner.safeguard: expected [0, 1), got {safeguard}')
        self.flops_target = float(flops_target)
        self.safeguard = float(safeguard)
        self.min_channels = int(min_channels)

    def min_widths(self, groups: Sequence[ChannelGroup]) -> Dict[str, int]:
        """The narrowest widths the safeguard allows."""
        return {g.name: g.width - safeguard_quota(g.width, self.safeguard, self.min_channels)
                for g in groups}

    def plan(self, groups: Sequence[ChannelGroup], scores: Dict[str, torch.Tensor],
             cost: LayerCostModel) -> Dict[str, List[int]]:
        """``{group name: kept channel indices (increasing)}``.

        ``scores[group.name]`` is the group's per-channel importance (a
        ``width`` vector). Raises ValueError when even the safeguard's minimum
        widths exceed the target.
        """
        target = self.flops_target * cost.dense_flops
        floor_flops = cost.flops(self.min_widths(groups))
        if floor_flops > target:
            raise ValueError(
                f'GlobalFLOPsPruner: flops_target {self.flops_target} ({target:.0f} FLOPs) is '
                f'below what safeguard {self.safeguard} allows ({floor_flops} FLOPs = '
                f'{floor_flops / cost.dense_flops:.4f} of the dense model)')
        entry_group, entry_channel, entry_score = [], [], []
        for gi, group in enumerate(groups):
            s = scores[group.name]
            if s.numel() != group.width:
                raise ValueError(f'GlobalFLOPsPruner: scores[{group.name!r}] has {s.numel()} '
                                 f'entries, the group has {group.width} channels')
            entry_group += [gi] * group.width
            entry_channel += list(range(group.width))
            entry_score.append(s.detach().to(torch.float64).cpu().numpy())
        order = np.argsort(np.concatenate(entry_score), kind='stable')
        widths = {g.name: g.width for g in groups}
        quota = {g.name: safeguard_quota(g.width, self.safeguard, self.min_channels)
                 for g in groups}
        removed = {g.name: set() for g in groups}
        flops = cost.flops(widths)
        for k in order:
            if flops <= target:
                break
            group = groups[entry_group[k]]
            if quota[group.name] <= 0:
                continue
            quota[group.name] -= 1
            widths[group.name] -= 1
            removed[group.name].add(entry_channel[k])
            flops = cost.flops(widths)
        if flops > target:  # cannot happen after the floor check, kept as a guard
            raise RuntimeError(f'GlobalFLOPsPruner: stopped at {flops} FLOPs > {target:.0f}')
        return {g.name: [c for c in range(g.width) if c not in removed[g.name]]
                for g in groups}
