"""rszoo's data transforms (registered in ``rszoo.registry.TRANSFORMS``)."""
from .band_stack import RandomFlipRotateBandStack, TransposeBandStack
from .crop_tile import CropTile
from .det_random_crop import DetRandomCrop
from .errors import BandCountError, BandIndexError, CorruptImageError
from .geometric import RandomRot90
from .load_band_files import LoadBandFiles
from .load_det_annotations import LoadDetAnnotations
from .load_mat_image import LoadMatImage
from .load_seg_annotation import LoadSegAnnotation
from .loading import (
    check_decodable,
    decode_image,
    LoadRSImage,
    RASTER_EXTENSIONS,
    strict_truncation,
)
from .multiband_support import check_multiband_pipeline, RGB_ONLY_TRANSFORMS
from .multimodal_formatting import PackMultimodalInputs
from .pack_det_inputs import PackDetInputs
from .pack_seg_inputs import PackSegInputs
from .raster_io import read_raster

__all__ = [
    'BandCountError', 'BandIndexError', 'check_decodable', 'check_multiband_pipeline',
    'CorruptImageError', 'CropTile', 'decode_image', 'DetRandomCrop', 'LoadBandFiles',
    'LoadDetAnnotations', 'LoadMatImage', 'LoadRSImage', 'LoadSegAnnotation', 'PackDetInputs',
    'PackMultimodalInputs', 'PackSegInputs', 'RandomFlipRotateBandStack', 'RandomRot90',
    'RASTER_EXTENSIONS', 'read_raster', 'RGB_ONLY_TRANSFORMS', 'strict_truncation',
    'TransposeBandStack'
]
