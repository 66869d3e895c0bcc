"""rszoo models: importing this package registers every model component."""
from . import backbones, classifiers, heads, losses, necks, utils  # noqa: F401
from .backbones import *  # noqa: F401,F403

__all__ = ['backbones', 'classifiers', 'heads', 'losses', 'necks', 'utils']
from . import class_embeddings  # noqa: F401,E402

__all__ += ['class_embeddings']
from . import data_preprocessors, vae  # noqa: F401,E402

__all__ += ['data_preprocessors', 'vae']
from . import selfsup  # noqa: F401,E402

__all__ += ['selfsup']
from . import anomaly_detectors  # noqa: F401,E402

__all__ += ['anomaly_detectors']
from . import segmentors  # noqa: F401,E402

__all__ += ['segmentors']
from . import task_modules, dense_heads, detectors  # noqa: F401,E402

__all__ += ['task_modules', 'dense_heads', 'detectors']
