"""``CommHookDDP``: mmengine's DDP wrapper with a configured communication hook.

A config turns gradient compression on through the model wrapper::

    model_wrapper_cfg = dict(
        type='CommHookDDP',
        broadcast_buffers=False,
        comm_hook=dict(type='rsdgc', density=0.01, warmup_iters=250))

``comm_hook`` is built by
:func:`~rszoo.engine.comm_hooks.builder.build_comm_hook` (``allreduce``,
``topk``, ``rsdgc``, ``powersgd``) and registered with
``DistributedDataParallel.register_comm_hook`` before the first step; the
state is ``model.comm_state`` (bytes sent per step:
``model.comm_state.comm_stats()``, logged by
:class:`~rszoo.engine.hooks.comm_bytes_hook.CommBytesHook`). On a CPU-only
machine ``tools/train.py`` starts gloo and sets ``device_ids=None``
(``rszoo.utils.compat.init_cpu_distributed``), with GPUs mmengine starts nccl;
the hooks run on both. The wrapper is in rszoo's ``MODEL_WRAPPERS`` and, for
mmengine's ``Runner.wrap_model``, in mmengine's root registry (below).
"""
from typing import Optional

from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS

from rszoo.registry import MODEL_WRAPPERS

from .builder import build_comm_hook


@MODEL_WRAPPERS.register_module()
class CommHookDDP(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that registers a DDP communication hook.

    Args:
        module (nn.Module): the model.
        comm_hook (dict, optional): ``dict(type=..., **state arguments)``;
            ``None`` keeps DDP's built-in all-reduce (``comm_state`` is None).
        **kwargs: ``MMDistributedDataParallel``/``DistributedDataParallel``
            arguments (``device_ids``, ``broadcast_buffers``,
            ``find_unused_parameters``, ``bucket_cap_mb``, ...).
    """

    def __init__(self, module, comm_hook: Optional[dict] = None, **kwargs):
        super().__init__(module=module, **kwargs)
        self.comm_state = None
        if comm_hook is not None:
            self.comm_state, hook = build_comm_hook(comm_hook, self.process_group)
            self.register_comm_hook(self.comm_state, hook)


# mmengine's Runner.wrap_model looks ``model_wrapper_cfg.type`` up with
# ``mmengine.registry.MODEL_WRAPPERS.get(type)`` before building, and that
# searches the root registry and its ancestors only: rszoo's registry (a child
# of mmpretrain's, itself a child of the root) is never reached, not even as
# ``rszoo.CommHookDDP``. The wrapper is therefore also registered in the root
# under the same name, so ``type='CommHookDDP'`` works from a config.
if 'CommHookDDP' not in MMENGINE_MODEL_WRAPPERS.module_dict:
    MMENGINE_MODEL_WRAPPERS.register_module(name='CommHookDDP', module=CommHookDDP)
