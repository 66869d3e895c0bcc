"""Classifiers: rszoo's own classifiers (none yet; mmpretrain's are found through the registry)."""
from .sskdnet import SSKDNet  # noqa: F401
