"""Hyperspectral anomaly detectors (HAD): the global RX baseline and STAD."""
from .rx import RXDetector
from .stad import STAD
from .stage_mse_loss import StageMSELoss

__all__ = ['RXDetector', 'STAD', 'StageMSELoss']
