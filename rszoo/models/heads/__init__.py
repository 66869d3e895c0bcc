"""Heads: rszoo's own heads (mmpretrain's are found through the registry)."""
from .feature_restoration_head import FeatureRestorationHead  # noqa: F401
from .conditional_denoiser_head import ConditionalDenoiserHead  # noqa: F401
from .multi_positive_contrastive_head import MultiPositiveContrastiveHead  # noqa: F401
from .visual_attribute_mapping import VisualAttributeMapping  # noqa: F401
from .global_attribute_head import GlobalAttributeHead  # noqa: F401
