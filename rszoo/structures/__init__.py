"""rszoo's data structures (mmengine data elements) beyond mmpretrain's ``DataSample``."""
from .seg_data_sample import SegDataSample

__all__ = ['SegDataSample']
from .det_data_sample import DetDataSample  # noqa: E402

__all__ += ['DetDataSample']
