"""Heads: rszoo's own heads (mmpretrain's are found through the registry)."""
from .feature_restoration_head import FeatureRestorationHead  # noqa: F401
from .conditional_denoiser_head import ConditionalDenoiserHead  # noqa: F401
from .multi_positive_contrastive_head import MultiPositiveContrastiveHead  # noqa: F401
from .visual_attribute_mapping import VisualAttributeMapping  # noqa: F401
from .global_attribute_head import GlobalAttributeHead  # noqa: F401
from .awca import AWCA  # noqa: F401
from .psnl import PSNL, SecondOrderNonLocal  # noqa: F401
from .base_decode_head import BaseDecodeHead  # noqa: F401
from .dianet_head import DIAnetHead  # noqa: F401
from .mivit_conv_head import MIViTConvHead  # noqa: F401,E402
from .mivit_fused_head import MIViTFusedHead  # noqa: F401,E402
from .mivit_pyramid_head import MIViTPyramidHead  # noqa: F401,E402
from .mivit_reconstruction_decoder import MIViTReconstructionDecoder  # noqa: F401,E402
from .feature_reuse_head import FeatureReuseHead  # noqa: F401,E402
