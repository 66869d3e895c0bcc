"""rszoo models: importing this package registers every model component."""
from . import backbones, classifiers, heads, losses, necks, utils  # noqa: F401
from .backbones import *  # noqa: F401,F403

__all__ = ['backbones', 'classifiers', 'heads', 'losses', 'necks', 'utils']
from . import class_embeddings  # noqa: F401,E402

__all__ += ['class_embeddings']
from . import data_preprocessors, zeroshot  # noqa: F401,E402

__all__ += ['data_preprocessors', 'zeroshot']
from . import selfsup  # noqa: F401,E402

__all__ += ['selfsup']
