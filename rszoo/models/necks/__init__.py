"""Necks: rszoo's own necks (mmpretrain's are found through the registry)."""
from .dynamic_feature_fusion import DynamicFeatureFusion  # noqa: F401
