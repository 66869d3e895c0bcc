"""Necks: rszoo's own necks (mmpretrain's are found through the registry)."""
from .dam import DAM
from .dynamic_feature_fusion import DynamicFeatureFusion
from .fpn import FPN
from .low_rank_communication_module import LowRankCommunicationModule
from .mivit_cross_scale_pyramid import MIViTCrossScalePyramid
from .oriented_attention_fusion import OrientedAttentionFusion
from .residual_stage_fusion import ResidualStageFusion
from .spatial_spectral_matrix_fusion import SpatialSpectralMatrixFusion
from .ucm import UCM

__all__ = [
    'DAM', 'DynamicFeatureFusion', 'FPN', 'LowRankCommunicationModule',
    'MIViTCrossScalePyramid', 'OrientedAttentionFusion', 'ResidualStageFusion',
    'SpatialSpectralMatrixFusion', 'UCM'
]
