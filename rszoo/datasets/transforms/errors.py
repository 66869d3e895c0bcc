"""The errors rszoo's image loaders raise; each message names the file."""


class CorruptImageError(OSError):
    """An image file exists but cannot be decoded (truncated, corrupt, not
    an image). The message names the file and the decoder's reason."""


class BandCountError(ValueError):
    """An image decoded fine but has a different number of bands than the
    pipeline expects. The message names the file, its band count and the
    expected count."""


class BandIndexError(ValueError):
    """A band selection (``bands=``) names a band the file does not have: a
    1-based index out of range or an unknown band name. The message names
    the file, its band count and, where known, its band names."""
