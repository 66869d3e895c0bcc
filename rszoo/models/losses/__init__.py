"""Losses: rszoo's own losses (mmpretrain's are found through the registry)."""
from .kd_loss import KDLoss  # noqa: F401
