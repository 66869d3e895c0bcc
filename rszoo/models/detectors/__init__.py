"""Detectors: backbone (+ neck) + dense head, mmengine's three forward modes."""
from .sarnet import SARNet
from .single_stage import SingleStageDetector

__all__ = ['SingleStageDetector', 'SARNet']
