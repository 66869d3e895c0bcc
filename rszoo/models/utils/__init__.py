"""Model utilities: packaged pretrained weights, checkpoint key mappings and
SSKDNet's background masking + patch shuffling."""
from .background_mask_shuffle import BackgroundMaskShuffle
from .efficientnet_lite_keys import convert_efficientnet_lite_keys
from .prediction_samples import scores_to_data_samples
from .pretrained_weights import (PACKAGED_WEIGHTS, PackagedWeights, find_packaged_weights,
                                 load_from_pkgweights)

__all__ = [
    'scores_to_data_samples',
    'BackgroundMaskShuffle', 'convert_efficientnet_lite_keys', 'PACKAGED_WEIGHTS',
    'PackagedWeights', 'find_packaged_weights', 'load_from_pkgweights'
]
from .diffusion_schedule import DDPMSchedule  # noqa: F401,E402

__all__ += ['DDPMSchedule']
from .attention_concentration import AttentionConcentration  # noqa: F401,E402

__all__ += ['AttentionConcentration']
from .forward_modes import LossPredictTensorMixin  # noqa: F401,E402

__all__ += ['LossPredictTensorMixin']
from .global_rx import global_rx  # noqa: F401,E402
from .small_target_filter import SmallTargetFilter  # noqa: F401,E402
from .synthetic_anomaly import SyntheticAnomalyMask  # noqa: F401,E402

__all__ += ['global_rx', 'SmallTargetFilter', 'SyntheticAnomalyMask']
