"""``build_comm_hook``: a DDP communication hook and its state from a config dict.

``comm_hook=dict(type=..., **arguments)`` in ``model_wrapper_cfg`` (see
:class:`~rszoo.engine.comm_hooks.comm_hook_ddp.CommHookDDP`) names one of:

============  ==========================================  ===========================
type          hook, state                                 method
============  ==========================================  ===========================
allreduce     ``allreduce_hook``, ``AllReduceState``      dense all-reduce (counted)
topk          ``topk_hook``, ``TopKState``                top-k + error feedback (DGC)
rsdgc         ``rsdgc_hook``, ``RSDGCState``              RS-DGC (arXiv 2312.17530)
powersgd      torch's ``powerSGD_hook``,                  PowerSGD (NeurIPS 2019)
              ``PowerSGDCommState``
============  ==========================================  ===========================

The other keys are the state's arguments (its docstring); the process group
is the DDP module's.
"""
import inspect
from typing import Callable, Optional, Tuple

import torch.distributed as dist

from .allreduce_hook import AllReduceState, allreduce_hook
from .comm_state import CommState
from .powersgd_hook import PowerSGDCommState, powersgd_hook
from .rsdgc_hook import RSDGCState, rsdgc_hook
from .topk_hook import TopKState, topk_hook

#: type name -> (state class, hook function)
COMM_HOOKS = {
    'allreduce': (AllReduceState, allreduce_hook),
    'topk': (TopKState, topk_hook),
    'rsdgc': (RSDGCState, rsdgc_hook),
    'powersgd': (PowerSGDCommState, powersgd_hook),
}


def _state_arguments(state_cls) -> set:
    """The keyword arguments a state accepts (``**kwargs`` forwarded to torch's
    ``PowerSGDState`` are listed by ``state_cls.forwarded_arguments``)."""
    params = inspect.signature(state_cls.__init__).parameters.values()
    names = {p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    names |= set(getattr(state_cls, 'forwarded_arguments', ()))
    return names - {'self', 'process_group'}


def build_comm_hook(cfg: dict, process_group: Optional[dist.ProcessGroup] = None
                    ) -> Tuple[CommState, Callable]:
    """Build ``(state, hook)`` from ``cfg`` (``dict(type=..., **arguments)``).

    Raises:
        TypeError: ``cfg`` is not a dict with a ``type``.
        KeyError: an unknown ``type`` or argument, naming the allowed ones.
    """
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise TypeError(f"comm_hook must be a dict with a 'type' (one of {sorted(COMM_HOOKS)}), "
                        f'got {cfg!r}')
    cfg = dict(cfg)
    name = cfg.pop('type')
    if name not in COMM_HOOKS:
        raise KeyError(f'comm_hook.type must be one of {sorted(COMM_HOOKS)}, got {name!r}')
    state_cls, hook = COMM_HOOKS[name]
    allowed = _state_arguments(state_cls)
    unknown = sorted(set(cfg) - allowed)
    if unknown:
        raise KeyError(f'comm_hook (type {name!r}) got unknown keys {unknown}; allowed: '
                       f'{sorted(allowed)}')
    return state_cls(process_group=process_group, **cfg), hook
