"""Backbones: feature extractors returning a tuple of NCHW feature maps."""
from .efficientnet_lite import EfficientNetLite

__all__ = ['EfficientNetLite']
from .open_clip_vision import OpenCLIPVisionTower  # noqa: F401,E402

__all__ += ['OpenCLIPVisionTower']
