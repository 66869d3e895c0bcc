"""Self-supervised pre-training algorithms (mmpretrain's ``BaseSelfSupervisor``
style), registered in ``rszoo.registry.MODELS``."""
from .swimdiff import SwiMDiff

__all__ = ['SwiMDiff']
