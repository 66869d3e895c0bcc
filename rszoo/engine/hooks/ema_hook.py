"""EMA of the weights that also works with a checkpoint loaded before the run.

mmpretrain's (and mmengine's) ``EMAHook`` builds its averaged copy of the model
in ``before_run`` and restores it from a checkpoint in
``after_load_checkpoint``. mmengine calls ``before_run`` before it loads
``load_from`` or resumes, so training and mmpretrain's own ``tools/test.py``
work; rszoo's ``tools/test.py`` loads the checkpoint strictly with
``runner.load_checkpoint`` *before* ``runner.test()``, i.e. before
``before_run``, and the stock hook then fails with ``AttributeError: 'EMAHook'
object has no attribute 'ema_model'``.

:class:`DeferredLoadEMAHook` is mmpretrain's ``EMAHook`` (same arguments, same
behaviour otherwise) that keeps such an early checkpoint's two state dicts until
``before_run`` and restores them there exactly as mmpretrain's hook would have:
the source weights into the model, the averaged ones into the EMA copy, which
validation and testing then use (``evaluate_on_ema=True``, the default).

A checkpoint written with the hook holds the averaged weights in
``state_dict`` (mmengine swaps them in when saving) and the source weights in
``ema_state_dict``, so a config without the hook also tests the averaged model.
"""
from mmengine.runner.checkpoint import load_state_dict
from mmpretrain.engine.hooks import EMAHook

from rszoo.registry import HOOKS


@HOOKS.register_module()
class DeferredLoadEMAHook(EMAHook):
    """mmpretrain's ``EMAHook``, accepting a checkpoint loaded before ``before_run``.

    Args: those of :class:`mmpretrain.engine.hooks.EMAHook` (``momentum``:
    the weight of the new value, ``ema = (1 - momentum) * ema + momentum * w``,
    every ``interval`` iterations).
    """

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if hasattr(self, 'ema_model'):
            super().after_load_checkpoint(runner, checkpoint)
            return
        # Before the run: the runner now loads checkpoint['state_dict'] (the averaged
        # weights) into the model; before_run puts each state dict where it belongs.
        # Shallow copies: the tensors are only read.
        self._pending_checkpoint = dict(
            state_dict=dict(checkpoint['state_dict']),
            ema_state_dict=dict(checkpoint['ema_state_dict'])
        ) if 'ema_state_dict' in checkpoint else None

    def before_run(self, runner) -> None:
        super().before_run(runner)  # the averaged copy of the (loaded) model
        pending = getattr(self, '_pending_checkpoint', None)
        self._pending_checkpoint = None
        if pending is None:
            # nothing loaded, or a checkpoint without EMA: the copy already holds
            # the loaded weights, as the stock hook's else branch would make it
            return
        self._swap_ema_state_dict(pending)  # source -> state_dict, average -> ema
        self.ema_model.load_state_dict(pending['ema_state_dict'], strict=self.strict_load)
        load_state_dict(self.src_model, pending['state_dict'], strict=True)
        self.load_ema_from_ckpt = True
