"""Task modules of the detection path (mmdetection's ``task_modules``):
assigners, box coders and prior (point) generators, registered in
``rszoo.registry.TASK_UTILS``."""
from .assigners import AssignResult, FCOSAssigner
from .coders import DistancePointBBoxCoder
from .prior_generators import MlvlPointGenerator

__all__ = ['AssignResult', 'FCOSAssigner', 'DistancePointBBoxCoder', 'MlvlPointGenerator']
