"""Backbones: feature extractors returning a tuple of NCHW feature maps."""
from .efficientnet_lite import EfficientNetLite

__all__ = ['EfficientNetLite']
