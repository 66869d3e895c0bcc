"""Model utilities: packaged pretrained weights and checkpoint key mappings."""
from .efficientnet_lite_keys import convert_efficientnet_lite_keys
from .pretrained_weights import (PACKAGED_WEIGHTS, PackagedWeights, find_packaged_weights,
                                 load_from_pkgweights)

__all__ = [
    'convert_efficientnet_lite_keys', 'PACKAGED_WEIGHTS', 'PackagedWeights',
    'find_packaged_weights', 'load_from_pkgweights'
]
from .background_mask_shuffle import BackgroundMaskShuffle  # noqa: F401,E402
