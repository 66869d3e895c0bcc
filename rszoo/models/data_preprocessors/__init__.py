"""Data preprocessors, registered in ``rszoo.registry.MODELS``."""
from .det_data_preprocessor import DetDataPreprocessor
from .feature_data_preprocessor import FeatureDataPreprocessor
from .multiband_data_preprocessor import MultiBandDataPreprocessor
from .multimodal_data_preprocessor import MultimodalDataPreprocessor
from .seg_data_preprocessor import SegDataPreprocessor

__all__ = [
    'DetDataPreprocessor', 'FeatureDataPreprocessor', 'MultiBandDataPreprocessor',
    'MultimodalDataPreprocessor', 'SegDataPreprocessor'
]
