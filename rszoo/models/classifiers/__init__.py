"""Classifiers: rszoo's own (mmpretrain's are found through the registry).

Scene classifiers (SSKDNet), zero-shot classifiers (MCFA, DSVA, the CLIP-style
classifier and the linear-compatibility baselines ESZSL and DeViSE) and the
multimodal land-cover classifier MIViT.
"""
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
    'CLIPZeroShotClassifier', 'DeViSELinear', 'DSVA', 'ESZSL', 'FedDiff', 'MCFA', 'MDFL',
    'MIViT', 'SSKDNet'
]
