"""DDP communication hooks: gradient compression for distributed training.

RS-DGC (Xie et al., arXiv 2312.17530: neighbourhood-statistics sparsification
with layer-wise dynamic ratios and error feedback) and its peers (dense
all-reduce, top-k with error feedback, torch's PowerSGD), each a
``DistributedDataParallel.register_comm_hook`` function with a state that
counts the bytes it hands to the collectives; :class:`CommHookDDP` (in
``MODEL_WRAPPERS``) registers the one a config names.
"""
from .allreduce_hook import AllReduceState, allreduce_hook
from .builder import COMM_HOOKS, build_comm_hook
from .comm_hook_ddp import CommHookDDP
from .comm_state import CommState
from .dynamic_ratio import allocate_densities, update_change
from .neighbourhood_indicator import (INDICATORS, neighbourhood_indicator,
                                      neighbourhood_statistics)
from .powersgd_hook import PowerSGDCommState, powersgd_hook
from .rsdgc_hook import RSDGCState, rsdgc_hook
from .sparse_exchange import allgather_sparse
from .sparsifier_state import SparsifierState, sparsify_bucket
from .topk_hook import TopKState, topk_hook

__all__ = [
    'AllReduceState', 'allreduce_hook', 'COMM_HOOKS', 'build_comm_hook', 'CommHookDDP',
    'CommState', 'allocate_densities', 'update_change', 'INDICATORS',
    'neighbourhood_indicator', 'neighbourhood_statistics', 'PowerSGDCommState',
    'powersgd_hook', 'RSDGCState', 'rsdgc_hook', 'allgather_sparse', 'SparsifierState',
    'sparsify_bucket', 'TopKState', 'topk_hook'
]
