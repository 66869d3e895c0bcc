"""rszoo models: importing this package registers every model component."""
from . import backbones, classifiers, heads, losses, necks, utils  # noqa: F401
from .backbones import *  # noqa: F401,F403

__all__ = ['backbones', 'classifiers', 'heads', 'losses', 'necks', 'utils']
