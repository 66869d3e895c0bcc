"""rszoo hooks, registered in ``rszoo.registry.HOOKS``."""
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .channels_last_hook import ChannelsLastHook
from .comm_bytes_hook import CommBytesHook
from .ema_hook import DeferredLoadEMAHook
from .fake_quant_hook import FakeQuantHook
from .fit_zsl_classifier_hook import FitZSLClassifierHook
from .rng_state_hook import RNGStateHook
from .tdds_trajectory_hook import TDDSTrajectoryHook

__all__ = [
    'AtomicCheckpointHook', 'ChannelsLastHook', 'CommBytesHook', 'DeferredLoadEMAHook',
    'FakeQuantHook', 'FitZSLClassifierHook', 'RNGStateHook', 'TDDSTrajectoryHook'
]
