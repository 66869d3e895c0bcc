"""Backbones: feature extractors returning a tuple of NCHW feature maps."""
from .efficientnet_lite import EfficientNetLite

__all__ = ['EfficientNetLite']
from .open_clip_vision import OpenCLIPVisionTower  # noqa: F401,E402

__all__ += ['OpenCLIPVisionTower']
from .stad_student import STADStudent  # noqa: F401,E402
from .stad_teacher import STADTeacher  # noqa: F401,E402

__all__ += ['STADStudent', 'STADTeacher']
from .hrnet_nostem import HRNetNoStem  # noqa: F401,E402

__all__ += ['HRNetNoStem']
from .mivit_alignment_encoder import MIViTAlignmentEncoder  # noqa: F401,E402
from .mivit_transformer import MIViTTransformer  # noqa: F401,E402

__all__ += ['MIViTAlignmentEncoder', 'MIViTTransformer']
from .frequency_domain_parser import FrequencyDomainParser  # noqa: F401,E402
from .multi_domain_diffusion_encoder import MultiDomainDiffusionEncoder  # noqa: F401,E402
from .feddiff_dual_branch_encoder import FedDiffDualBranchEncoder  # noqa: F401,E402
