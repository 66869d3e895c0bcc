"""Image loading for remote-sensing scene images.

:class:`LoadRSImage` decodes an image file with Pillow and hands the pipeline
an ``H x W x C`` numpy array in mmcv's channel convention, so mmpretrain's
transforms and a ``data_preprocessor`` with ``to_rgb=True`` work unchanged.

Unlike mmcv's ``LoadImageFromFile`` (which silently turns a grayscale file
into three identical channels, an RGBA file into RGB, and, with
``ignore_empty=False``, only reports ``None``), it checks the number of bands
against what the model expects and raises an error naming the file when the
file is truncated, corrupt or has the wrong number of bands.
"""
import contextlib
import os
import os.path as osp
from typing import Iterator, Optional

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image, ImageFile, UnidentifiedImageError

from rszoo.registry import TRANSFORMS

# Modes packed straight into mmcv's channel order by Pillow's raw encoder
# (one memcpy-speed pass instead of a strided numpy copy).
_BGR_RAW_MODES = {'RGB': ('BGR', 3), 'RGBA': ('BGRA', 4)}
# Modes that are a colour encoding rather than independent bands: converted
# to RGB (or RGBA when they carry transparency) before anything else.
_CONVERT_MODES = {'P': 'RGB', 'PA': 'RGBA', 'CMYK': 'RGB', 'YCbCr': 'RGB',
                  'LAB': 'RGB', 'HSV': 'RGB', 'RGBX': 'RGB', 'RGBa': 'RGBA',
                  'La': 'LA', '1': 'L'}
# Modes whose last band is alpha (what ``drop_alpha`` removes).
_ALPHA_MODES = ('RGBA', 'LA')


class CorruptImageError(OSError):
    """An image file exists but cannot be decoded (truncated, corrupt, not
    an image). The message names the file and the decoder's reason."""


class BandCountError(ValueError):
    """An image decoded fine but has a different number of bands than the
    pipeline expects. The message names the file, its band count and the
    expected count."""


@contextlib.contextmanager
def strict_truncation() -> Iterator[None]:
    """Make Pillow raise on truncated files inside the ``with`` block.

    Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` is a process-wide switch
    that some libraries turn on; a truncated JPEG then decodes into an image
    with a grey bottom part and no error. This restores the previous value
    on exit.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def decode_image(path: str) -> Image.Image:
    """Open ``path`` and fully decode it with Pillow, truncation raising.

    Returns:
        PIL.Image.Image: the decoded image (pixel data loaded, file closed).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        CorruptImageError: the file is not a decodable image, or truncated.
    """
    try:
        with strict_truncation(), Image.open(path) as image:
            image.load()
            return image
    except FileNotFoundError:
        raise FileNotFoundError(f'Image file not found: {path}') from None
    except (PermissionError, IsADirectoryError):
        raise  # not a decoding problem; the message names the path
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            EOFError) as err:
        # Pillow reports truncation as OSError('image file is truncated ...'),
        # unknown formats as UnidentifiedImageError and some broken headers
        # as SyntaxError / ValueError / EOFError.
        raise CorruptImageError(
            f'Cannot decode image {path}: {type(err).__name__}: {err}'
        ) from err


_JPEG_EXTENSIONS = ('.jpg', '.jpeg')
_JPEG_EOI = b'\xff\xd9'


def decode_jpeg_bgr(path: str) -> Optional[np.ndarray]:
    """Decode a JPEG with OpenCV (about 1.7x faster than Pillow here).

    OpenCV decodes a truncated JPEG into a partly grey image without an error,
    so the file must end with the JPEG end-of-image marker (``FF D9``, trailing
    zero padding allowed) or it is reported as truncated.

    Returns:
        np.ndarray or None: ``H x W x 3`` BGR or ``H x W`` grayscale ``uint8``;
        None for what OpenCV does not handle (CMYK, 12-bit), left to Pillow.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        CorruptImageError: the file is truncated or not a decodable JPEG.
    """
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f'Image file not found: {path}') from None
    if not data.rstrip(b'\x00').endswith(_JPEG_EOI):
        raise CorruptImageError(
            f'Cannot decode image {path}: truncated JPEG (no end-of-image marker; '
            f'{len(data)} bytes)')
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise CorruptImageError(f'Cannot decode image {path}: not a decodable JPEG')
    if img.dtype != np.uint8 or (img.ndim == 3 and img.shape[2] != 3):
        return None
    return img


@TRANSFORMS.register_module()
class LoadRSImage(BaseTransform):
    """Load a remote-sensing image file into an ``H x W x C`` numpy array.

    JPEGs are decoded with OpenCV after checking the end-of-image marker (a
    truncated file raises; :func:`decode_jpeg_bgr`), other files with Pillow
    (``Image.open(p).load()`` with truncated files raising). Colour images come out in **BGR** order, mmcv's
    convention (``mmcv.imread``), so that mmpretrain's transforms and a
    ``data_preprocessor`` with ``to_rgb=True`` apply unchanged.

    Output (``H x W x C``, ``C`` = bands):

    - RGB file (jpg / png / tif / bmp): ``uint8``, 3 channels B, G, R.
    - RGBA file: with ``expected_bands=4``, 4 channels B, G, R, A; with
      ``drop_alpha=True``, 3 channels B, G, R; otherwise an error.
    - palette / CMYK / YCbCr file: converted to RGB (RGBA for a palette with
      transparency) first, then as above.
    - grayscale file, with ``expected_bands=1``: 1 channel (``uint8``;
      16-bit and float single-band files keep their dtype).

    Required keys: ``img_path`` (or ``img``, an array the dataset decoded
    up front with ``preload=True``, which is copied instead).

    Added keys: ``img`` (``np.ndarray``), ``img_shape`` (``(H, W)``),
    ``ori_shape`` (``(H, W)``).

    Args:
        expected_bands (int, optional): Number of bands the file must have
            (after ``drop_alpha``). A grayscale file is an error unless this
            is 1; a 4-band RGBA file is an error unless this is 4 or
            ``drop_alpha=True``. ``None`` accepts any band count.
            Defaults to 3.
        drop_alpha (bool): Remove the alpha band of RGBA / LA files before
            the band check. Defaults to False.
        to_float32 (bool): Return a ``float32`` array instead of the file's
            dtype. Defaults to False.

    Raises (from :meth:`transform`):
        FileNotFoundError: the file does not exist.
        CorruptImageError: (an ``OSError``) the file is truncated or corrupt;
            the message names the file and Pillow's reason.
        BandCountError: (a ``ValueError``) the band count differs from
            ``expected_bands``; the message names the file, its band count
            and the expected count.
    """

    def __init__(self,
                 expected_bands: Optional[int] = 3,
                 drop_alpha: bool = False,
                 to_float32: bool = False) -> None:
        if expected_bands is not None and (not isinstance(expected_bands, int)
                                           or expected_bands < 1):
            raise ValueError('LoadRSImage: expected_bands must be a positive '
                             f'int or None, got {expected_bands!r}')
        self.expected_bands = expected_bands
        self.drop_alpha = drop_alpha
        self.to_float32 = to_float32

    def _to_array(self, image: Image.Image, path: str) -> np.ndarray:
        mode = image.mode
        if mode in _CONVERT_MODES:
            target = _CONVERT_MODES[mode]
            if mode == 'P' and 'transparency' in image.info:
                target = 'RGBA'
            image = image.convert(target)
            mode = image.mode
        if self.drop_alpha and mode in _ALPHA_MODES:
            image = image.convert('RGB' if mode == 'RGBA' else 'L')
            mode = image.mode

        num_bands = len(image.getbands())
        if self.expected_bands is not None and num_bands != self.expected_bands:
            hint = ''
            if num_bands == 1:
                hint = ' (a grayscale image; use expected_bands=1 to accept it)'
            elif mode in _ALPHA_MODES:
                hint = (f' (mode {mode} has an alpha band; pass drop_alpha=True '
                        'to drop it)')
            raise BandCountError(
                f'Image {path} has {num_bands} band(s), mode {mode}, but '
                f'LoadRSImage expected {self.expected_bands}{hint}.')

        if mode in _BGR_RAW_MODES:
            # R, G, B(, A) -> B, G, R(, A): mmcv's order, packed by Pillow.
            raw_mode, channels = _BGR_RAW_MODES[mode]
            width, height = image.size
            buffer = bytearray(image.tobytes('raw', raw_mode))
            return np.frombuffer(buffer, np.uint8).reshape(
                height, width, channels)
        array = np.array(image)  # a writable copy
        if array.ndim == 2:
            array = array[:, :, None]
        return array

    def transform(self, results: dict) -> dict:
        """Decode ``results['img_path']`` into ``results['img']``.

        Args:
            results (dict): needs ``img_path``.

        Returns:
            dict: ``results`` with ``img``, ``img_shape`` and ``ori_shape``.
        """
        if results.get('img') is not None:
            # decoded when the dataset was built (``preload=True``): copy, as
            # later transforms may write into the array
            img = results['img'].copy()
            results['img'] = img
            results['img_shape'] = img.shape[:2]
            results['ori_shape'] = img.shape[:2]
            return results
        path = os.fspath(results['img_path'])
        img = None
        if (osp.splitext(path)[1].lower() in _JPEG_EXTENSIONS
                and self.expected_bands in (1, 3, None)):
            img = decode_jpeg_bgr(path)
            if img is not None:
                if img.ndim == 2:
                    img = img[:, :, None]
                if (self.expected_bands is not None
                        and img.shape[2] != self.expected_bands):
                    img = None  # Pillow's path raises the detailed error
        if img is None:
            image = decode_image(path)
            img = self._to_array(image, path)
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'expected_bands={self.expected_bands}, '
                f'drop_alpha={self.drop_alpha}, '
                f'to_float32={self.to_float32})')
