"""Dense detection heads: per-location classification and box regression on
every pyramid level (mmdetection's ``dense_heads``)."""
from .fcos_head import FCOSHead

__all__ = ['FCOSHead']
