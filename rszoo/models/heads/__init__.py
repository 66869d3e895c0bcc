"""Heads: rszoo's own heads (mmpretrain's are found through the registry)."""
from .feature_restoration_head import FeatureRestorationHead  # noqa: F401
