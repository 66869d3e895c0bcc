"""Save the random number generators' states in checkpoints, restore them on resume.

mmengine restores the model, optimizer, schedulers and the sampler's epoch on
``--resume``, but not the RNG states, so anything random after the resume
point (augmentations drawn in the main process, dropout, drop-path, the
DataLoader's per-epoch base seed) differs from an uninterrupted run. With this
hook, a resumed CPU run reproduces the uninterrupted one: the same losses and
the same next metric. (Worker processes are seeded by mmengine's
``worker_init_fn`` from the seed, rank and worker id when they start; keep
``persistent_workers=False`` so they restart, identically seeded, each epoch.)
"""
import random

import numpy as np
import torch
from mmengine.hooks import Hook

from rszoo.registry import HOOKS


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Put python/numpy/torch RNG states into ``checkpoint['rng_state']``."""

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state(),
        )
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint['rng_state'] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # only when resuming a training run; loading weights for testing
        # or fine-tuning keeps the fresh seed
        if not runner._resume or 'rng_state' not in checkpoint:
            return
        state = checkpoint['rng_state']
        random.setstate(_as_python_state(state['python']))
        np.random.set_state(state['numpy'])
        torch.set_rng_state(state['torch'])
        if 'cuda' in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state['cuda'])


def _as_python_state(state):
    """``random.setstate`` wants tuples; a checkpoint may give lists back."""
    version, internal, gauss = state
    return version, tuple(internal), gauss
