"""Switch on fake quantization at configured epochs (PIC-PQ's QAT stages).

PIC-PQ (Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint
Learning", arXiv:2312.00851) fine-tunes the pruned network, then trains with
quantized activations only (stage A), then with quantized weights and
activations (stage W+A), each stage starting from the previous one's best
checkpoint. In rszoo the stages are epochs of one run: the model is built with
``type='CompressedModel'`` (its :class:`~rszoo.models.compression.QuantConv2d`
start with both quantizers off) and this hook turns

* the activation quantizers on from epoch ``activations_from_epoch``,
* the weight quantizers on from epoch ``weights_from_epoch``

(0-based epochs, at the start of the epoch; None: never). Validation in between
sees the current state. The state is saved in every checkpoint
(``meta['fake_quant']``) and restored when a checkpoint is loaded, so
``tools/test.py CONFIG CKPT`` and ``--resume`` evaluate and continue the model
as it was trained; a checkpoint without that entry (the pruned checkpoint of
``picpq_compress.py``) leaves the configured state at build time.
"""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from rszoo.models.compression import fake_quant_state, set_fake_quant
from rszoo.registry import HOOKS


def _model(runner):
    return runner.model.module if is_model_wrapper(runner.model) else runner.model


@HOOKS.register_module()
class FakeQuantHook(Hook):
    """Epoch-scheduled fake quantization of a ``CompressedModel``.

    Args:
        activations_from_epoch: first (0-based) epoch with quantized activations.
        weights_from_epoch: first epoch with quantized weights.
    """

    priority = 'NORMAL'

    def __init__(self, activations_from_epoch: Optional[int] = 0,
                 weights_from_epoch: Optional[int] = 0):
        for key, value in (('activations_from_epoch', activations_from_epoch),
                           ('weights_from_epoch', weights_from_epoch)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f'FakeQuantHook.{key}: expected an int >= 0 or None, got '
                                 f'{value!r}')
        self.activations_from_epoch = activations_from_epoch
        self.weights_from_epoch = weights_from_epoch

    @staticmethod
    def _on(start, epoch) -> bool:
        return start is not None and epoch >= start

    def state_for_epoch(self, epoch: int) -> dict:
        return dict(weights=self._on(self.weights_from_epoch, epoch),
                    activations=self._on(self.activations_from_epoch, epoch))

    def _apply(self, runner, state: dict, why: str) -> None:
        model = _model(runner)
        before = fake_quant_state(model)
        if before is None:
            raise RuntimeError(
                'FakeQuantHook: the model has no QuantConv2d; build it with '
                "model=dict(type='CompressedModel', model=..., plan=...)")
        set_fake_quant(model, weights=state['weights'], activations=state['activations'])
        if before != state:
            runner.logger.info(f'FakeQuantHook ({why}): weights '
                               f'{"on" if state["weights"] else "off"}, activations '
                               f'{"on" if state["activations"] else "off"}')

    def before_run(self, runner) -> None:
        if fake_quant_state(_model(runner)) is None:
            raise RuntimeError(
                'FakeQuantHook: the model has no QuantConv2d; build it with '
                "model=dict(type='CompressedModel', model=..., plan=...)")

    def before_train_epoch(self, runner) -> None:
        self._apply(runner, self.state_for_epoch(runner.epoch), f'epoch {runner.epoch}')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint.setdefault('meta', {})['fake_quant'] = fake_quant_state(_model(runner))

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = (checkpoint.get('meta') or {}).get('fake_quant')
        if state is not None:
            self._apply(runner, dict(weights=bool(state['weights']),
                                     activations=bool(state['activations'])),
                        'loaded checkpoint')
