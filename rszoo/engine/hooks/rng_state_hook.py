"""Make ``--resume`` continue a training bit for bit on CPU.

mmengine restores the model, optimizer, schedulers and the sampler's epoch on
``--resume``, but not the random number generators, so anything random after
the resume point (augmentations drawn in the main process, dropout,
drop-path, SSKDNet's masks and patch shuffles, SwiMDiff's diffusion noise,
the DataLoader's per-epoch base seed) would differ from an uninterrupted run.

Saving the generators' states in the checkpoint is not enough: the checkpoint
is written in ``after_train_epoch``, and validation runs *after* it and draws
from the global generators (the validation DataLoader's base seed, anything
random in ``val_step``). An uninterrupted run makes those draws before its next
epoch; a run resumed from that checkpoint does not (measured with
``tests/configs/tiny_sskdnet_aid150.py`` and ``val_interval=1``: epoch-3
weights 1.5 apart).

So for epoch-based training this hook re-seeds python's ``random``, numpy's
global generator and torch (CPU and CUDA) at the start of every training
epoch from ``(runner.seed, epoch)`` (through :class:`numpy.random.SeedSequence`,
so every epoch gets independent streams). That point is passed identically by
the uninterrupted and the resumed run, whatever happened between the
checkpoint and it. ``runner.seed`` is the checkpoint's seed after a resume
(mmengine restores it); when the seed given for the resumed run differs
(``--cfg-options randomness.seed=...``), the train sampler, built before the
resume from the new seed, is moved back to the checkpoint's seed as well.

The generators' states are still saved in the checkpoint and restored on
resume, which keeps iteration-based loops (no per-epoch re-seed) as exact as
before. (Worker processes are seeded by mmengine's ``worker_init_fn`` from
the seed, rank and worker id when they start; keep ``persistent_workers=False``
so they restart, identically seeded, each epoch.)
"""
import random
from functools import partial
from typing import Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from rszoo.registry import HOOKS


def epoch_seed_state(seed: int, epoch: int) -> np.ndarray:
    """Four 32-bit words derived from ``(seed, epoch)`` (independent streams
    per epoch; negative seeds are taken modulo 2**64)."""
    sequence = np.random.SeedSequence([int(seed) % (1 << 64), int(epoch)])
    return sequence.generate_state(4, dtype=np.uint32)


def seed_everything_for_epoch(seed: int, epoch: int) -> None:
    """Seed python, numpy and torch (CPU and every CUDA device) from
    ``(seed, epoch)``."""
    words = [int(w) for w in epoch_seed_state(seed, epoch)]
    random.seed((words[0] << 32) | words[1])
    np.random.seed(np.array(words, dtype=np.uint32))
    torch.manual_seed((words[2] << 32) | words[3])  # seeds CUDA too


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Re-seed every training epoch from ``(seed, epoch)``; keep the RNG
    states in ``checkpoint['rng_state']``.

    Args:
        reseed_every_epoch (bool): re-seed at the start of every epoch of an
            epoch-based loop (what makes ``--resume`` exact across
            validation). Defaults to True.
    """

    priority = 'VERY_LOW'

    def __init__(self, reseed_every_epoch: bool = True):
        self.reseed_every_epoch = reseed_every_epoch
        self._seed_before_resume: Optional[int] = None

    def before_run(self, runner) -> None:
        # the seed the dataloaders were built with (before any resume)
        self._seed_before_resume = runner.seed

    def before_train(self, runner) -> None:
        """After a resume that changed ``runner.seed`` to the checkpoint's,
        give the train sampler (and the worker seeding) that seed too."""
        old, new = self._seed_before_resume, runner.seed
        if old is None or new is None or old == new:
            return
        loader = runner.train_dataloader
        sampler = getattr(loader, 'sampler', None)
        moved = []
        if getattr(sampler, 'seed', None) == old:
            sampler.seed = new
            moved.append(f'sampler {type(sampler).__name__}')
        init_fn = getattr(loader, 'worker_init_fn', None)
        if isinstance(init_fn, partial) and init_fn.keywords.get('seed') == old:
            loader.worker_init_fn = partial(init_fn.func, *init_fn.args,
                                            **dict(init_fn.keywords, seed=new))
            moved.append('worker_init_fn')
        if moved:
            runner.logger.info(f'RNGStateHook: resumed with the checkpoint\'s seed {new} '
                               f'(not {old}); moved {", ".join(moved)} to it.')

    def before_train_epoch(self, runner) -> None:
        if self.reseed_every_epoch and isinstance(runner.train_loop, EpochBasedTrainLoop):
            seed_everything_for_epoch(runner.seed, runner.epoch)

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
