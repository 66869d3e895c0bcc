"""FakeQuantHook (rszoo/engine/hooks/fake_quant_hook.py): the quantizers of a compressed
model switch on at the configured epochs (PIC-PQ's stage A then W+A), the state travels in
the checkpoint's meta and comes back on load; a model without QuantConv2d is refused. (The
hook inside a real Runner run: tests/test_tools/test_picpq_compress.py.)"""
import logging
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from rszoo.engine.hooks import FakeQuantHook
from rszoo.models.compression import QuantConv2d, fake_quant_state, set_fake_quant


def runner_with(model, epoch=0):
    return SimpleNamespace(model=model, epoch=epoch, logger=logging.getLogger('fake-quant'))


def quant_model():
    return nn.Sequential(QuantConv2d(2, 3, 1, weight_bits=4),
                         QuantConv2d(3, 3, 3, weight_bits=6, input_bits=6), nn.Conv2d(3, 1, 1))


def test_quantizers_switch_on_at_the_configured_epochs():
    model = quant_model()
    hook = FakeQuantHook(activations_from_epoch=1, weights_from_epoch=2)
    runner = runner_with(model)
    hook.before_run(runner)
    states = []
    for epoch in range(4):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        states.append(fake_quant_state(model))
    assert states == [dict(weights=False, activations=False),
                      dict(weights=False, activations=True),
                      dict(weights=True, activations=True),
                      dict(weights=True, activations=True)]
    assert all(m.quantize_weight for m in model.modules() if isinstance(m, QuantConv2d))
    never = FakeQuantHook(activations_from_epoch=0, weights_from_epoch=None)
    never.before_train_epoch(runner_with(model, epoch=9))
    assert fake_quant_state(model) == dict(weights=False, activations=True)


def test_state_is_saved_in_and_restored_from_the_checkpoint():
    model = quant_model()
    hook = FakeQuantHook(activations_from_epoch=0, weights_from_epoch=1)
    set_fake_quant(model, weights=True, activations=True)
    checkpoint = {'meta': {'epoch': 2}, 'state_dict': model.state_dict()}
    hook.before_save_checkpoint(runner_with(model), checkpoint)
    assert checkpoint['meta']['fake_quant'] == dict(weights=True, activations=True)
    # no quantizer entries: the keys of plain convs
    assert set(checkpoint['state_dict']) == {f'{i}.{p}' for i in range(3)
                                             for p in ('weight', 'bias')}

    fresh = quant_model()  # built with both quantizers off (a test run)
    hook.after_load_checkpoint(runner_with(fresh), checkpoint)
    assert fake_quant_state(fresh) == dict(weights=True, activations=True)
    pruned = quant_model()  # the pruned checkpoint of picpq_compress.py has no such entry
    hook.after_load_checkpoint(runner_with(pruned), {'meta': {}, 'state_dict': {}})
    assert fake_quant_state(pruned) == dict(weights=False, activations=False)


def test_a_model_without_quant_convs_and_bad_arguments_are_refused():
    with pytest.raises(RuntimeError, match="has no QuantConv2d; build it with model=dict"
                                           r"\(type='CompressedModel'"):
        FakeQuantHook().before_run(runner_with(nn.Conv2d(1, 1, 1)))
    with pytest.raises(ValueError, match=r'FakeQuantHook.weights_from_epoch: expected an int'):
        FakeQuantHook(weights_from_epoch=-1)
    assert torch.is_tensor(quant_model()(torch.rand(1, 2, 3, 3)))
