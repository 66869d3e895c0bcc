"""build_comm_hook: every type from a config dict, and errors that name the key
and what was expected. (CommHookDDP itself needs a process group per rank: see
test_comm_hook_ddp.py.)"""
import pytest

from rszoo.engine.comm_hooks import (COMM_HOOKS, AllReduceState, PowerSGDCommState,
                                     RSDGCState, TopKState, allreduce_hook, build_comm_hook,
                                     powersgd_hook, rsdgc_hook, topk_hook)
from rszoo.registry import MODEL_WRAPPERS

from comm_hook_helpers import single_process_group


@pytest.mark.parametrize('cfg, state_cls, hook', [
    (dict(type='allreduce'), AllReduceState, allreduce_hook),
    (dict(type='topk', density=0.05, warmup_iters=10), TopKState, topk_hook),
    (dict(type='rsdgc', density=0.02, neighbourhood=5, indicator='rms'), RSDGCState,
     rsdgc_hook),
    (dict(type='powersgd', matrix_approximation_rank=2, start_powerSGD_iter=10),
     PowerSGDCommState, powersgd_hook),
])
def test_each_type_builds_its_state_and_hook(cfg, state_cls, hook):
    group = single_process_group()
    state, built_hook = build_comm_hook(dict(cfg), group)
    assert type(state) is state_cls and built_hook is hook and state.process_group is group
    for key, value in cfg.items():
        if key != 'type':
            target = state.powersgd if state_cls is PowerSGDCommState else state
            assert getattr(target, key) == value, key
    assert set(COMM_HOOKS) == {'allreduce', 'topk', 'rsdgc', 'powersgd'}


def test_unknown_type_is_named():
    with pytest.raises(KeyError, match=r"comm_hook.type must be one of .*'dgc'"):
        build_comm_hook(dict(type='dgc'))


def test_unknown_argument_is_named_with_the_allowed_ones():
    with pytest.raises(KeyError, match=r"unknown keys \['ratio'\]; allowed: .*'density'"):
        build_comm_hook(dict(type='topk', ratio=0.1))
    with pytest.raises(KeyError, match=r"unknown keys \['density'\]; allowed: "
                                       r".*'matrix_approximation_rank'"):
        build_comm_hook(dict(type='powersgd', density=0.1))


def test_missing_type():
    with pytest.raises(TypeError, match="comm_hook must be a dict with a 'type'"):
        build_comm_hook(dict(density=0.1))


def test_wrapper_is_registered_where_the_runner_looks():
    from mmengine.model import MMDistributedDataParallel
    from mmengine.registry import DefaultScope
    from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS

    from rszoo.engine.comm_hooks import CommHookDDP
    assert MODEL_WRAPPERS.get('CommHookDDP') is CommHookDDP
    assert issubclass(CommHookDDP, MMDistributedDataParallel)
    # Runner.wrap_model: mmengine's root registry, under the rszoo scope of the configs
    with DefaultScope.overwrite_default_scope('rszoo'):
        assert MMENGINE_MODEL_WRAPPERS.get('CommHookDDP') is CommHookDDP
