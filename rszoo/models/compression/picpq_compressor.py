"""PIC-PQ end to end: FP -> evolution of (a, b) -> prune -> bits -> plan.

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851. :class:`PICPQCompressor` chains the components of
this package on a dense classifier, in the order of the authors' scripts:

1. the channel groups (:func:`resnet_channel_groups`) and the layer-cost table
   of the dense model at ``input_shape``;
2. the filter property of every conv (``importance``: :class:`FeatureMapRank`,
   or :class:`L1FilterNorm` for the magnitude baseline), ``C_l`` per conv;
3. unless ``evolution`` is None, :class:`RegularizedEvolution` of the ``L x 2``
   ``(a_l, b_l)``; each candidate prunes a fresh copy of the dense model
   (:class:`GlobalFLOPsPruner` on ``I = a_l FP + b_l``, chains summed) and is
   scored by :class:`FineTuneFitness`; every candidate sees the same batches in
   the same order (python's, numpy's and torch's generators reset before each);
4. the final prune with the best (or given, or identity) ``(a, b)``;
5. ``bit_l`` of every conv (:class:`PICBitAllocator`, the L1-mass ratio of the
   pruned model before fine-tuning), the inner activations at their producer's
   bits (:func:`layer_bits`);
6. FLOPs and BOPs measured on the built pruned model (:class:`BOPsCounter`),
   unquantized and with every quantizer on; the authors' convention (every conv
   input at the conv's own bits) is recorded next to it for comparison.

The result is the pruned model (plain convs, the dense state-dict keys) and the
plan dict that :func:`apply_plan` / ``CompressedModel`` rebuild it from.
"""
import copy
import random
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Optional, Sequence

import numpy as np
import torch
from torch import nn

from rszoo.registry import TASK_UTILS
from .bops import BOPsCounter, bops_summary
from .channel_groups import conv_names_in_order, prune_group, resnet_channel_groups
from .evolution import EvolutionResult
from .flops_pruner import LayerCostModel
from .pic_importance import PICImportance, check_ab, identity_ab
from .plan import layer_bits, swap_quant_convs
from .quant_conv import set_fake_quant


def authors_bops(counts: dict) -> int:
    """BOPs as the authors' ``count_bops.py`` counts them, for comparison only:
    every conv ``MACs * bit_l * bit_l`` (its input taken at its own weight bits,
    also where it reads a full-precision tensor), every linear ``MACs * 32 * 32``."""
    return int(sum(r['macs'] * (r['weight_bits'] ** 2 if r['kind'] == 'conv' else 1024)
                   for r in counts['layers']))


@dataclass
class CompressionResult:
    model: nn.Module          # the pruned dense-precision model (before fine-tuning)
    plan: dict                # see rszoo.models.compression.plan
    evolution: Optional[EvolutionResult] = None


def _build(cfg, default_type, **defaults):
    if cfg is None:
        return None
    if not isinstance(cfg, dict):
        return cfg
    cfg = dict(cfg)
    cfg.setdefault('type', default_type)
    for key, value in defaults.items():
        cfg.setdefault(key, value)
    return TASK_UTILS.build(cfg)


@TASK_UTILS.register_module()
class PICPQCompressor:
    """PIC-PQ (or its magnitude + uniform-bits baseline) on a dense classifier.

    Args:
        importance: config of the filter property (``FeatureMapRank`` with
            ``num_batches``; ``L1FilterNorm`` for the baseline).
        pruner: config of :class:`GlobalFLOPsPruner` (``flops_target``,
            ``safeguard``, ``min_channels``).
        evolution: config of :class:`RegularizedEvolution`, or None for no
            search (``(a, b) = (1, 0)`` unless ``compress(ab=...)``).
        fitness: config of :class:`FineTuneFitness` (``steps`` = tau_hat, lr, ...).
        bits: config of :class:`PICBitAllocator` (``bmax``, ``lam``, ``min_bits``).
        input_shape: ``(C, H, W)`` at which FLOPs / BOPs are counted.
        seed: torch seed set before each fitness evaluation.
        method: a name written into the plan.
    """

    def __init__(self, importance=dict(type='FeatureMapRank', num_batches=24),
                 pruner=dict(flops_target=0.45, safeguard=0.1, min_channels=2),
                 evolution=dict(population=64, tournament=16, iterations=400,
                                mutation_rate=0.1),
                 fitness=dict(steps=200, lr=0.01, momentum=0.9, weight_decay=5e-4),
                 bits=dict(bmax=(32, 8, 6, 4, 4), lam=1 / 6, min_bits=2),
                 input_shape: Sequence[int] = (3, 64, 64), seed: int = 0,
                 method: str = 'PIC-PQ'):
        self.settings = dict(importance=copy.deepcopy(importance), pruner=dict(pruner),
                             evolution=copy.deepcopy(evolution), fitness=dict(fitness),
                             bits=copy.deepcopy(bits), input_shape=list(input_shape),
                             seed=seed, method=method)
        self.importance = _build(importance, 'FeatureMapRank')
        self.pruner = _build(pruner, 'GlobalFLOPsPruner')
        self.evolution = _build(evolution, 'RegularizedEvolution', seed=seed)
        self.fitness = _build(fitness, 'FineTuneFitness')
        self.bits = _build(bits, 'PICBitAllocator')
        self.pic = PICImportance()
        self.input_shape = tuple(int(v) for v in input_shape)
        self.seed = int(seed)
        self.method = method

    # -- pieces ---------------------------------------------------------------
    def filter_property(self, dense: nn.Module, batches: Iterable) -> Dict[str, torch.Tensor]:
        conv_names = conv_names_in_order(dense, resnet_channel_groups(dense))
        return self.importance(dense, batches, conv_names)

    def prune(self, dense: nn.Module, fp: Dict[str, torch.Tensor], ab,
              cost: Optional[LayerCostModel] = None):
        """A pruned deep copy of ``dense``: ``(model, {group: kept indices})``."""
        model = copy.deepcopy(dense)
        groups = resnet_channel_groups(model)
        conv_names = conv_names_in_order(model, groups)
        cost = cost or LayerCostModel(model, groups, self.input_shape)
        scores = self.pic(fp, ab, conv_names, groups)
        kept = self.pruner.plan(groups, scores, cost)
        for group in groups:
            if len(kept[group.name]) < group.width:
                prune_group(model, group, kept[group.name])
        return model, kept

    def search(self, dense: nn.Module, fp: Dict[str, torch.Tensor], train_batches: Iterable,
               heldout_batches: Iterable,
               log: Optional[Callable[[str], None]] = None) -> EvolutionResult:
        """Regularized evolution of ``(a, b)`` (needs ``evolution``)."""
        if self.evolution is None:
            raise ValueError('PICPQCompressor.search: evolution is None (no search configured)')
        groups = resnet_channel_groups(dense)
        conv_names = conv_names_in_order(dense, groups)
        cost = LayerCostModel(dense, groups, self.input_shape)
        fp_std = [float(np.std(fp[name].numpy())) for name in conv_names]

        def fitness(ab):
            return self.candidate_loss(dense, fp, ab, train_batches, heldout_batches, cost)

        return self.evolution.run(fp_std, fitness, log=log)

    def candidate_loss(self, dense: nn.Module, fp: Dict[str, torch.Tensor], ab,
                       train_batches: Iterable, heldout_batches: Iterable,
                       cost: Optional[LayerCostModel] = None) -> float:
        """The fitness of one ``(a, b)``: prune a copy of ``dense``, fine-tune it,
        return the held-out loss. python's, numpy's and torch's global generators
        are reset to ``seed`` first, so a loader that shuffles / augments with them
        (no generator of its own, workers seeded from torch) gives every candidate
        the same batches in the same order."""
        random.seed(self.seed)
        np.random.seed(self.seed)
        torch.manual_seed(self.seed)
        model, _ = self.prune(dense, fp, ab, cost)
        return self.fitness(model, train_batches, heldout_batches)

    # -- all ------------------------------------------------------------------
    def compress(self, dense: nn.Module, fp_batches: Iterable = None,
                 train_batches: Iterable = None, heldout_batches: Iterable = None, ab=None,
                 log: Optional[Callable[[str], None]] = None) -> CompressionResult:
        """FP -> (search) -> prune -> bits -> measured FLOPs / BOPs -> plan.

        ``ab`` (``L x 2``) skips the search; without it and without
        ``evolution`` the identity ``(1, 0)`` is used.
        """
        log = log or (lambda msg: None)
        dense = dense.eval()
        groups = resnet_channel_groups(dense)
        conv_names = conv_names_in_order(dense, groups)
        cost = LayerCostModel(dense, groups, self.input_shape)
        log(f'{self.method}: {len(conv_names)} convs, {len(groups)} channel groups, dense '
            f'{cost.dense_flops:,} FLOPs at {self.input_shape}')
        fp = self.importance(dense, fp_batches, conv_names)
        evolution = None
        if ab is not None:
            ab = check_ab(ab, len(conv_names))
        elif self.evolution is not None:
            evolution = self.search(dense, fp, train_batches, heldout_batches, log)
            ab = evolution.best_ab
        else:
            ab = identity_ab(len(conv_names))
        pruned, kept = self.prune(dense, fp, ab, cost)
        bits = self.bits(dense, pruned, conv_names)
        pruned_groups = resnet_channel_groups(pruned)
        layers = layer_bits(pruned_groups, bits)

        counter = BOPsCounter(self.input_shape)
        fp32 = counter(pruned)
        quantized = swap_quant_convs(copy.deepcopy(pruned), layers)
        set_fake_quant(quantized, weights=True, activations=True)
        quant = counter(quantized)
        target = self.pruner.flops_target * cost.dense_flops
        if fp32['flops'] > target:
            raise RuntimeError(f'{self.method}: the pruned model measures {fp32["flops"]} FLOPs, '
                               f'above the target {target:.0f}')
        dense_by_name = {g.name: g.width for g in groups}
        plan = dict(
            method=self.method,
            input_shape=list(self.input_shape),
            conv_names=conv_names,
            ab=np.asarray(ab).tolist(),
            filter_property={n: fp[n].tolist() for n in conv_names},
            groups={g.name: dict(width=g.width, dense_width=dense_by_name[g.name],
                                 kind=g.kind, kept=kept[g.name], producers=g.producers,
                                 consumers=g.consumers) for g in pruned_groups},
            layers=layers,
            flops=dict(dense=cost.dense_flops, target=target, pruned=fp32['flops'],
                       ratio=fp32['flops'] / cost.dense_flops),
            bops=dict(bops_summary(quant, cost.dense_flops),
                      authors_convention=authors_bops(quant)),
            bops_layers=quant['layers'],
            settings=self.settings,
            evolution=None if evolution is None else dict(
                best_loss=evolution.best_loss, evaluations=len(evolution.history)),
        )
        log(f'{self.method}: pruned to {fp32["flops"]:,} FLOPs '
            f'({plan["flops"]["ratio"]:.4f} of dense, target {self.pruner.flops_target}); '
            f'BOPs {quant["bops"]:,} ({plan["bops"]["bops_compression"]:.2f}x below FP32 dense)')
        return CompressionResult(pruned, plan, evolution)
