"""Backbones: feature extractors returning a tuple of NCHW feature maps."""
from .efficientnet_lite import EfficientNetLite
from .feddiff_dual_branch_encoder import FedDiffDualBranchEncoder
from .frequency_domain_parser import FrequencyDomainParser
from .hrnet_nostem import HRNetNoStem
from .mivit_alignment_encoder import MIViTAlignmentEncoder
from .mivit_transformer import MIViTTransformer
from .multi_domain_diffusion_encoder import MultiDomainDiffusionEncoder
from .open_clip_vision import OpenCLIPVisionTower
from .stad_student import STADStudent
from .stad_teacher import STADTeacher

__all__ = [
    'EfficientNetLite', 'FedDiffDualBranchEncoder', 'FrequencyDomainParser', 'HRNetNoStem',
    'MIViTAlignmentEncoder', 'MIViTTransformer', 'MultiDomainDiffusionEncoder',
    'OpenCLIPVisionTower', 'STADStudent', 'STADTeacher'
]
