"""rszoo hooks, registered in ``rszoo.registry.HOOKS``."""
from .channels_last_hook import ChannelsLastHook
from .rng_state_hook import RNGStateHook

__all__ = ['ChannelsLastHook', 'RNGStateHook']
