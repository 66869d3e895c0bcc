"""Prior generators: the points (or anchors) of every feature-map level."""
from .point_generator import MlvlPointGenerator

__all__ = ['MlvlPointGenerator']
