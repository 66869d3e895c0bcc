"""Classifiers: rszoo's own classifiers (mmpretrain's are found through the registry)."""
from .sskdnet import SSKDNet  # noqa: F401
