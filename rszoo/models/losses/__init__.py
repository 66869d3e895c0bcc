"""Losses: rszoo's own losses (mmpretrain's are found through the registry)."""
from .kd_loss import KDLoss  # noqa: F401
from .gaussian_kl_loss import GaussianKLLoss  # noqa: F401
from .supervised_contrastive_loss import SupervisedContrastiveLoss  # noqa: F401
from .wasserstein_alignment_loss import WassersteinAlignmentLoss  # noqa: F401
from .semantic_compatibility_loss import SemanticCompatibilityLoss  # noqa: F401
from .semantic_regression_loss import SemanticRegressionLoss  # noqa: F401
