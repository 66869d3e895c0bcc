"""CommBytesHook: the wrapper's bytes of the last step go to the message hub as
train/ scalars (logged by LoggerHook), the state continues from the run's
iteration, and a model without a comm hook is left alone."""
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub, MMLogger

from rszoo.engine.comm_hooks import TopKState
from rszoo.engine.hooks import CommBytesHook
from rszoo.registry import HOOKS


def fake_runner(name, comm_state, iteration=0):
    return SimpleNamespace(
        model=SimpleNamespace(comm_state=comm_state), iter=iteration,
        message_hub=MessageHub.get_instance(f'comm-bytes-{name}'),
        logger=MMLogger.get_instance(f'comm-bytes-{name}'))


def test_bytes_and_compression_go_to_the_message_hub():
    state = TopKState(None, density=0.1)
    state.last_step_bytes, state.last_step_dense_bytes = 200, 4000
    runner = fake_runner('log', state, iteration=7)
    hook = HOOKS.build(dict(type='CommBytesHook'))
    hook.before_train(runner)
    assert state.iter == 7  # the warm-up schedule continues after a resume
    hook.after_train_iter(runner, 0)
    state.last_step_bytes = 400
    hook.after_train_iter(runner, 1)
    scalars = runner.message_hub.log_scalars
    assert list(scalars['train/comm_bytes'].data[0]) == [200, 400]
    assert scalars['train/comm_compression'].current() == pytest.approx(10.0)


def test_without_a_comm_hook_nothing_is_logged():
    runner = fake_runner('none', None)
    hook = CommBytesHook(prefix='grad')
    hook.before_train(runner)
    hook.after_train_iter(runner, 0)
    assert 'train/grad_bytes' not in runner.message_hub.log_scalars


def test_prefix_must_be_a_name():
    with pytest.raises(ValueError, match='prefix'):
        CommBytesHook(prefix='')
