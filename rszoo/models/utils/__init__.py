"""Model utilities: packaged pretrained weights, checkpoint key mappings and
SSKDNet's background masking + patch shuffling."""
from .attention_concentration import AttentionConcentration
from .background_mask_shuffle import BackgroundMaskShuffle
from .diffusion_schedule import DDPMSchedule
from .efficientnet_lite_keys import convert_efficientnet_lite_keys
from .forward_modes import LossPredictTensorMixin
from .global_rx import global_rx
from .prediction_samples import scores_to_data_samples
from .pretrained_weights import (
    find_packaged_weights,
    load_from_pkgweights,
    PACKAGED_WEIGHTS,
    PackagedWeights,
)
from .small_target_filter import SmallTargetFilter
from .synthetic_anomaly import SyntheticAnomalyMask

__all__ = [
    'AttentionConcentration', 'BackgroundMaskShuffle', 'convert_efficientnet_lite_keys',
    'DDPMSchedule', 'find_packaged_weights', 'global_rx', 'load_from_pkgweights',
    'LossPredictTensorMixin', 'PACKAGED_WEIGHTS', 'PackagedWeights', 'scores_to_data_samples',
    'SmallTargetFilter', 'SyntheticAnomalyMask'
]
