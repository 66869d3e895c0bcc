"""Losses: rszoo's own losses (mmpretrain's are found through the registry)."""
from .acw_loss import ACWLoss
from .diffusion_noise_loss import DiffusionNoiseLoss
from .gaussian_kl_loss import GaussianKLLoss
from .giou_loss import GIoULoss
from .information_aggregation_loss import InformationAggregationLoss
from .kd_loss import KDLoss
from .seg_cross_entropy_loss import SegCrossEntropyLoss
from .semantic_compatibility_loss import SemanticCompatibilityLoss
from .semantic_regression_loss import SemanticRegressionLoss
from .sigmoid_focal_loss import SigmoidFocalLoss
from .softmax_focal_loss import mivit_class_weights, SoftmaxFocalLoss
from .supervised_contrastive_loss import SupervisedContrastiveLoss
from .wasserstein_alignment_loss import WassersteinAlignmentLoss

__all__ = [
    'ACWLoss', 'DiffusionNoiseLoss', 'GaussianKLLoss', 'GIoULoss',
    'InformationAggregationLoss', 'KDLoss', 'mivit_class_weights', 'SegCrossEntropyLoss',
    'SemanticCompatibilityLoss', 'SemanticRegressionLoss', 'SigmoidFocalLoss',
    'SoftmaxFocalLoss', 'SupervisedContrastiveLoss', 'WassersteinAlignmentLoss'
]
