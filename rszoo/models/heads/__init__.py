"""Heads: rszoo's own heads (mmpretrain's are found through the registry)."""
from .awca import AWCA
from .base_decode_head import BaseDecodeHead
from .conditional_denoiser_head import ConditionalDenoiserHead
from .dianet_head import DIAnetHead
from .feature_restoration_head import FeatureRestorationHead
from .feature_reuse_head import FeatureReuseHead
from .global_attribute_head import GlobalAttributeHead
from .mivit_conv_head import MIViTConvHead
from .mivit_fused_head import MIViTFusedHead
from .mivit_pyramid_head import MIViTPyramidHead
from .mivit_reconstruction_decoder import MIViTReconstructionDecoder
from .multi_positive_contrastive_head import MultiPositiveContrastiveHead
from .psnl import PSNL, SecondOrderNonLocal
from .visual_attribute_mapping import VisualAttributeMapping

__all__ = [
    'AWCA', 'BaseDecodeHead', 'ConditionalDenoiserHead', 'DIAnetHead',
    'FeatureRestorationHead', 'FeatureReuseHead', 'GlobalAttributeHead', 'MIViTConvHead',
    'MIViTFusedHead', 'MIViTPyramidHead', 'MIViTReconstructionDecoder',
    'MultiPositiveContrastiveHead', 'PSNL', 'SecondOrderNonLocal', 'VisualAttributeMapping'
]
