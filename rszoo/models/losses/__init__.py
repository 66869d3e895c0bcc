"""Losses: rszoo's own losses (mmpretrain's are found through the registry)."""
from .kd_loss import KDLoss  # noqa: F401
from .gaussian_kl_loss import GaussianKLLoss  # noqa: F401
from .supervised_contrastive_loss import SupervisedContrastiveLoss  # noqa: F401
from .wasserstein_alignment_loss import WassersteinAlignmentLoss  # noqa: F401
from .semantic_compatibility_loss import SemanticCompatibilityLoss  # noqa: F401
from .semantic_regression_loss import SemanticRegressionLoss  # noqa: F401
from .acw_loss import ACWLoss  # noqa: F401
from .seg_cross_entropy_loss import SegCrossEntropyLoss  # noqa: F401
from .softmax_focal_loss import SoftmaxFocalLoss, mivit_class_weights  # noqa: F401,E402
from .information_aggregation_loss import InformationAggregationLoss  # noqa: F401,E402
from .sigmoid_focal_loss import SigmoidFocalLoss  # noqa: F401,E402
from .giou_loss import GIoULoss  # noqa: F401,E402
from .diffusion_noise_loss import DiffusionNoiseLoss  # noqa: F401,E402
