"""Classifiers: rszoo's own classifiers (mmpretrain's are found through the registry)."""
from .sskdnet import SSKDNet  # noqa: F401
from .mcfa import MCFA  # noqa: F401
from .clip_zero_shot import CLIPZeroShotClassifier  # noqa: F401
from .dsva import DSVA  # noqa: F401
