"""Necks: rszoo's own necks (mmpretrain's are found through the registry)."""
from .dynamic_feature_fusion import DynamicFeatureFusion  # noqa: F401
from .oriented_attention_fusion import OrientedAttentionFusion  # noqa: F401,E402
from .mivit_cross_scale_pyramid import MIViTCrossScalePyramid  # noqa: F401,E402
from .fpn import FPN  # noqa: F401,E402
from .ucm import UCM  # noqa: F401,E402
from .dam import DAM  # noqa: F401,E402
from .spatial_spectral_matrix_fusion import SpatialSpectralMatrixFusion  # noqa: F401,E402
from .low_rank_communication_module import LowRankCommunicationModule  # noqa: F401,E402
