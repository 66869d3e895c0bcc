"""Data preprocessors, registered in ``rszoo.registry.MODELS``."""
from .feature_data_preprocessor import FeatureDataPreprocessor
from .multiband_data_preprocessor import MultiBandDataPreprocessor

__all__ = ['FeatureDataPreprocessor', 'MultiBandDataPreprocessor']
from .seg_data_preprocessor import SegDataPreprocessor  # noqa: F401,E402

__all__ += ['SegDataPreprocessor']
from .multimodal_data_preprocessor import MultimodalDataPreprocessor  # noqa: F401,E402

__all__ += ['MultimodalDataPreprocessor']
from .det_data_preprocessor import DetDataPreprocessor  # noqa: F401,E402

__all__ += ['DetDataPreprocessor']
