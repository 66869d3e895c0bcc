"""rszoo's data transforms (registered in ``rszoo.registry.TRANSFORMS``)."""
from .errors import BandCountError, BandIndexError, CorruptImageError
from .geometric import RandomRot90
from .load_band_files import LoadBandFiles
from .loading import (RASTER_EXTENSIONS, LoadRSImage, check_decodable,
                      decode_image, strict_truncation)
from .raster_io import read_raster

__all__ = [
    'LoadRSImage', 'LoadBandFiles', 'RandomRot90', 'CorruptImageError', 'BandCountError',
    'BandIndexError', 'decode_image', 'strict_truncation', 'check_decodable', 'read_raster',
    'RASTER_EXTENSIONS'
]
from .band_stack import RandomFlipRotateBandStack, TransposeBandStack  # noqa: F401,E402
from .multimodal_formatting import PackMultimodalInputs  # noqa: F401,E402

__all__ += ['RandomFlipRotateBandStack', 'TransposeBandStack', 'PackMultimodalInputs']
from .crop_tile import CropTile  # noqa: E402
from .load_seg_annotation import LoadSegAnnotation  # noqa: E402
from .load_mat_image import LoadMatImage  # noqa: E402
from .pack_seg_inputs import PackSegInputs  # noqa: E402

__all__ += ['CropTile', 'LoadSegAnnotation', 'LoadMatImage', 'PackSegInputs']
from .multiband_support import RGB_ONLY_TRANSFORMS, check_multiband_pipeline  # noqa: E402

__all__ += ['RGB_ONLY_TRANSFORMS', 'check_multiband_pipeline']
from .load_det_annotations import LoadDetAnnotations  # noqa: E402
from .pack_det_inputs import PackDetInputs  # noqa: E402

__all__ += ['LoadDetAnnotations', 'PackDetInputs']
from .det_random_crop import DetRandomCrop  # noqa: E402

__all__ += ['DetRandomCrop']
