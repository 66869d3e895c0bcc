"""rszoo's data transforms (registered in ``rszoo.registry.TRANSFORMS``)."""
from .geometric import RandomRot90
from .loading import (BandCountError, CorruptImageError, LoadRSImage,
                      decode_image, strict_truncation)

__all__ = [
    'LoadRSImage', 'RandomRot90', 'CorruptImageError', 'BandCountError', 'decode_image',
    'strict_truncation'
]
