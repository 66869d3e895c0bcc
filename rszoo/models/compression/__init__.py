"""Model compression: pruning and quantisation (``docs/architecture.md``).

PIC-PQ (Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint
Learning", arXiv:2312.00851), one component a file:

- ``filter_property``: FP = average feature-map rank (:class:`FeatureMapRank`);
  ``l1_filter_norm``: the magnitude baseline's L1 norm (:class:`L1FilterNorm`);
- ``pic_importance``: ``I = a_l * FP + b_l``, chains summed (:class:`PICImportance`);
- ``channel_groups``: ResNet channel groups and structured pruning;
- ``flops_pruner``: global pruning to a FLOPs target with the safeguard
  (:class:`GlobalFLOPsPruner`);
- ``evolution`` / ``fitness``: regularized evolution of ``(a, b)``
  (:class:`RegularizedEvolution`, :class:`FineTuneFitness`);
- ``bit_assignment``: ``bit_l = Bmax_l - ceil(lambda / s_l)`` (:class:`PICBitAllocator`);
- ``quantizers`` / ``quant_conv``: DoReFa fake quantization with a
  straight-through estimator (:class:`QuantConv2d`);
- ``bops``: FLOPs and BOPs measured on the built modules (:class:`BOPsCounter`);
- ``plan`` / ``compressed_model``: the plan file and ``type='CompressedModel'``;
- ``picpq_compressor``: all of it in order (:class:`PICPQCompressor`).
"""
from .bit_assignment import PICBitAllocator, assign_bit, expand_bmax, l1_mass_ratio
from .bops import BOPsCounter, bops_summary, count_flops_bops
from .channel_groups import (ChannelGroup, apply_group_widths, conv_names_in_order,
                             prune_group, resnet_channel_groups)
from .compressed_model import build_compressed_model
from .evolution import EvolutionResult, RegularizedEvolution
from .filter_property import FeatureMapRank, feature_map_rank
from .fitness import FineTuneFitness
from .flops_pruner import GlobalFLOPsPruner, LayerCostModel, safeguard_quota
from .l1_filter_norm import L1FilterNorm
from .pic_importance import PICImportance, identity_ab
from .picpq_compressor import CompressionResult, PICPQCompressor
from .plan import apply_plan, layer_bits, load_plan, save_plan, swap_quant_convs
from .quant_conv import QuantConv2d, fake_quant_state, set_fake_quant
from .quantizers import ActivationQuantizer, WeightQuantizer, uniform_quantize

__all__ = [
    'ActivationQuantizer', 'BOPsCounter', 'ChannelGroup', 'CompressionResult',
    'EvolutionResult', 'FeatureMapRank', 'FineTuneFitness', 'GlobalFLOPsPruner',
    'L1FilterNorm', 'LayerCostModel', 'PICBitAllocator', 'PICImportance', 'PICPQCompressor',
    'QuantConv2d', 'RegularizedEvolution', 'WeightQuantizer', 'apply_group_widths',
    'apply_plan', 'assign_bit', 'bops_summary', 'build_compressed_model',
    'conv_names_in_order', 'count_flops_bops', 'expand_bmax', 'fake_quant_state',
    'feature_map_rank', 'identity_ab', 'l1_mass_ratio', 'layer_bits', 'load_plan',
    'prune_group', 'resnet_channel_groups', 'safeguard_quota', 'save_plan',
    'set_fake_quant', 'swap_quant_convs', 'uniform_quantize'
]
