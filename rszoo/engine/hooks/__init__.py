"""rszoo hooks, registered in ``rszoo.registry.HOOKS``."""
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .channels_last_hook import ChannelsLastHook
from .fit_zsl_classifier_hook import FitZSLClassifierHook
from .rng_state_hook import RNGStateHook

__all__ = [
    'AtomicCheckpointHook', 'ChannelsLastHook', 'FitZSLClassifierHook', 'RNGStateHook'
]
