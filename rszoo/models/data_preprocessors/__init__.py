"""Data preprocessors, registered in ``rszoo.registry.MODELS``."""
from .feature_data_preprocessor import FeatureDataPreprocessor

__all__ = ['FeatureDataPreprocessor']
