"""Classifiers: rszoo's own (mmpretrain's are found through the registry).

Scene classifiers (SSKDNet), zero-shot classifiers (MCFA, DSVA, the CLIP-style
classifier and the linear-compatibility baselines ESZSL and DeViSE) and the
two-modality land-cover classifiers MIViT, MDFL and FedDiff on their common
floor :class:`BaseLandCoverClassifier`.
"""
from .base_land_cover import BaseLandCoverClassifier
from .clip_zero_shot import CLIPZeroShotClassifier
from .devise import DeViSELinear
from .dsva import DSVA
from .eszsl import ESZSL
from .feddiff import FedDiff
from .mcfa import MCFA
from .mdfl import MDFL
from .mivit import MIViT
from .sskdnet import SSKDNet

__all__ = [
    'BaseLandCoverClassifier', 'CLIPZeroShotClassifier', 'DeViSELinear', 'DSVA', 'ESZSL', 'FedDiff', 'MCFA', 'MDFL',
    'MIViT', 'SSKDNet'
]
