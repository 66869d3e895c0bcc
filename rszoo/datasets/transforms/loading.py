"""Image loading for remote-sensing images.

:class:`LoadRSImage` decodes an image file and hands the pipeline an
``H x W x C`` numpy array (mmpretrain's ``results['img']`` convention):

- JPEG / PNG / BMP scene images: OpenCV (JPEG) or Pillow, colour images in
  mmcv's **BGR** order, so mmpretrain's transforms and a ``data_preprocessor``
  with ``to_rgb=True`` work unchanged.
- GeoTIFF and other GDAL rasters (``.tif``, ``.tiff``, ``.jp2``, ``.img``,
  ``.vrt``, or any file with ``backend='rasterio'``): rasterio, any band
  count, the file's dtype kept (``uint16`` stays ``uint16``), ``bands=``
  selection, no-data mask (:mod:`.raster_io`).

Unlike mmcv's ``LoadImageFromFile`` (which silently turns a grayscale file
into three identical channels, an RGBA file into RGB, and, with
``ignore_empty=False``, only reports ``None``), it checks the number of bands
against what the model expects and raises an error naming the file when the
file is truncated, corrupt or has the wrong number of bands. Pillow alone
would also drop the 4th band of an 8-bit RGB+NIR TIFF and refuse 16-bit
multiband TIFFs; those go through rasterio.
"""
import contextlib
import os
import os.path as osp
from typing import Iterator, Optional, Sequence, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image, ImageFile, UnidentifiedImageError

from rszoo.registry import TRANSFORMS
from .errors import BandCountError, BandIndexError, CorruptImageError  # noqa: F401 (re-export)
from .raster_io import fill_nodata, read_raster

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


#: Extensions read with rasterio under ``backend='auto'``.
RASTER_EXTENSIONS = ('.tif', '.tiff', '.jp2', '.img', '.vrt')
_BACKENDS = ('auto', 'pillow', 'rasterio')
# GDAL colour interpretations that encode colour rather than independent
# bands (CMYK, YCbCr, HLS): such files are decoded by Pillow into RGB.
_COLOUR_ENCODINGS = {'cyan', 'magenta', 'yellow', 'black', 'Y', 'Cb', 'Cr',
                     'hue', 'saturation', 'lightness'}


def is_16bit_colour_png(path: str) -> bool:
    """Whether ``path`` is a PNG with 16-bit colour (RGB, RGBA or grey+alpha),
    which Pillow silently cuts to 8 bits (its IHDR bit depth and colour type)."""
    try:
        with open(path, 'rb') as f:
            head = f.read(26)
    except OSError:
        return False
    return (head[:8] == b'\x89PNG\r\n\x1a\n' and len(head) == 26
            and head[24] == 16 and head[25] in (2, 4, 6))


def uses_rasterio(path: str, backend: str = 'auto', bands=None) -> bool:
    """Whether :class:`LoadRSImage` with ``backend`` reads ``path`` through
    rasterio (always for ``'rasterio'``, or when a band selection is given;
    for ``'auto'``, files with a :data:`RASTER_EXTENSIONS` extension and
    16-bit colour PNGs)."""
    if backend == 'rasterio' or bands is not None:
        return True
    if backend == 'pillow':
        return False
    ext = osp.splitext(os.fspath(path))[1].lower()
    return ext in RASTER_EXTENSIONS or (ext == '.png' and is_16bit_colour_png(path))


def check_decodable(path: str, backend: str = 'auto') -> None:
    """Fully decode ``path`` the way :class:`LoadRSImage` with ``backend``
    would (Pillow with truncation raising, or rasterio reading every band)
    and discard the pixels; used by ``on_corrupt='skip'``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        CorruptImageError: the file cannot be decoded.
    """
    if uses_rasterio(path, backend):
        read_raster(path)
    else:
        decode_image(path)


@TRANSFORMS.register_module()
class LoadRSImage(BaseTransform):
    """Load a remote-sensing image file into an ``H x W x C`` numpy array.

    Decoders (``backend='auto'``): JPEGs with OpenCV after checking the
    end-of-image marker (a truncated file raises; :func:`decode_jpeg_bgr`);
    GeoTIFF and other rasters (:data:`RASTER_EXTENSIONS`) with rasterio
    (:func:`~rszoo.datasets.transforms.raster_io.read_raster`); other files
    (PNG, BMP) with Pillow (``Image.open(p).load()`` with truncated files
    raising), except 16-bit colour PNGs, which Pillow would cut to 8 bits
    (rasterio). ``backend='rasterio'`` reads every file with rasterio;
    ``backend='pillow'`` is the pre-rasterio behaviour (OpenCV for JPEG,
    Pillow for the rest, no multiband support).

    Output (``H x W x C``, ``C`` = bands):

    - RGB picture (jpg / png / bmp, or an 8-bit TIFF whose bands are tagged
      red, green, blue): ``uint8``, 3 channels **B, G, R** (mmcv's order,
      ``mmcv.imread``), so mmpretrain's transforms and a
      ``data_preprocessor`` with ``to_rgb=True`` apply unchanged.
    - RGBA picture: with ``expected_bands=4``, 4 channels B, G, R, A; with
      ``drop_alpha=True``, 3 channels B, G, R; otherwise an error.
    - palette / CMYK / YCbCr file: converted to RGB (RGBA for a palette with
      transparency) first, then as above.
    - grayscale file, with ``expected_bands=1``: 1 channel.
    - **multiband raster** (any other TIFF: multispectral, 16-bit or float,
      more than 4 bands, an RGB+NIR TIFF whose 4th band is not alpha): every
      band in **file order**, in the file's dtype (``uint8`` / ``uint16`` /
      ``int16`` / ``float32`` ... kept as they are).
    - with a band selection (``bands=``, or ``results['bands']`` set by the
      dataset): the selected bands in the order given, file dtype, no
      reordering (read with rasterio whatever the extension).

    Required keys: ``img_path`` (or ``img``, an array the dataset decoded
    up front with ``preload=True``, which is copied instead). Optional keys
    (set by datasets such as ``EuroSATMS``): ``bands`` (a selection used
    when the transform has none) and ``band_names`` (the names of the file's
    bands in file order, for selections by name).

    Added keys: ``img`` (``np.ndarray``), ``img_shape`` (``(H, W)``),
    ``ori_shape`` (``(H, W)``); ``nodata_mask`` (``(H, W)`` bool, True where
    any loaded band is no-data) for rasters whose file (or ``nodata=``)
    defines a no-data value. The mask is in the loaded image's geometry:
    geometric transforms later in the pipeline do not update it, so fill
    no-data pixels here (``nodata_fill``) when augmenting.

    Args:
        expected_bands (int, optional): Number of bands the output must have
            (after ``drop_alpha`` and ``bands``). A grayscale file is an error
            unless this is 1; a 4-band RGBA file is an error unless this is 4
            or ``drop_alpha=True``. ``None`` accepts any band count.
            Defaults to 3.
        drop_alpha (bool): Remove the alpha band of RGBA / LA files before
            the band check. Defaults to False.
        to_float32 (bool): Return a ``float32`` array instead of the file's
            dtype. Defaults to False.
        backend (str): ``'auto'``, ``'rasterio'`` or ``'pillow'`` (see
            above). Defaults to ``'auto'``.
        bands (Sequence[int | str], optional): bands to read, as **1-based**
            band indexes (rasterio / GDAL convention: ``[4, 3, 2]`` is
            red, green, blue of a Sentinel-2 stack) or band names (from
            ``results['band_names']`` or the file's band descriptions).
            ``None`` reads every band. Defaults to None.
        nodata (float, optional): pixel value to treat as no-data instead of
            the file's own no-data value. Defaults to None.
        nodata_fill (float, optional): write this value into no-data pixels
            (must be representable in the file's dtype). Defaults to None
            (pixels kept as they are).

    Raises (from :meth:`transform`):
        FileNotFoundError: the file does not exist.
        CorruptImageError: (an ``OSError``) the file is truncated or corrupt;
            the message names the file and the decoder's reason.
        BandCountError: (a ``ValueError``) the band count differs from
            ``expected_bands``; the message names the file, its band count
            and the expected count.
        BandIndexError: (a ``ValueError``) ``bands`` names a band the file
            does not have; the message names the file and its band count.
    """

    def __init__(self,
                 expected_bands: Optional[int] = 3,
                 drop_alpha: bool = False,
                 to_float32: bool = False,
                 backend: str = 'auto',
                 bands: Optional[Sequence[Union[int, str]]] = None,
                 nodata: Optional[float] = None,
                 nodata_fill: Optional[float] = None) -> None:
        if expected_bands is not None and (not isinstance(expected_bands, int)
                                           or expected_bands < 1):
            raise ValueError('LoadRSImage: expected_bands must be a positive '
                             f'int or None, got {expected_bands!r}')
        if backend not in _BACKENDS:
            raise ValueError(f'LoadRSImage: backend must be one of {_BACKENDS}, '
                             f'got {backend!r}')
        if backend == 'pillow' and (bands is not None or nodata is not None
                                    or nodata_fill is not None):
            raise ValueError("LoadRSImage: bands=, nodata= and nodata_fill= need "
                             "rasterio; use backend='auto' or 'rasterio'.")
        if isinstance(bands, (int, str)):
            bands = [bands]
        if bands is not None and len(bands) == 0:
            raise ValueError('LoadRSImage: bands must name at least one band or be None.')
        if (bands is not None and expected_bands is not None
                and len(bands) != expected_bands):
            raise ValueError(f'LoadRSImage: bands={list(bands)} selects {len(bands)} '
                             f'band(s) but expected_bands={expected_bands}; '
                             'set expected_bands=None or to the selection size.')
        self.expected_bands = expected_bands
        self.drop_alpha = drop_alpha
        self.to_float32 = to_float32
        self.backend = backend
        self.bands = list(bands) if bands is not None else None
        self.nodata = nodata
        self.nodata_fill = nodata_fill

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

    def _read_raster(self, path: str, results: dict) -> np.ndarray:
        """The rasterio path: file dtype, picture conventions for 8-bit RGB(A)."""
        bands = self.bands if self.bands is not None else results.get('bands')
        raster = read_raster(path, bands=bands, band_names=results.get('band_names'),
                             nodata=self.nodata)
        img, interp = raster.array, raster.colorinterp
        if bands is None and _COLOUR_ENCODINGS.intersection(interp):
            return self._to_array(decode_image(path), path)  # CMYK / YCbCr / HLS
        picture = (bands is None and img.dtype == np.uint8
                   and interp in (('red', 'green', 'blue'),
                                  ('red', 'green', 'blue', 'alpha'),
                                  ('gray', 'alpha')))
        if picture and self.drop_alpha and interp[-1] == 'alpha':
            img, interp = img[..., :-1], interp[:-1]
        num_bands = img.shape[2]
        if self.expected_bands is not None and num_bands != self.expected_bands:
            hint = ''
            if num_bands == 1:
                hint = ' (a single-band image; use expected_bands=1 to accept it)'
            elif picture and interp[-1] == 'alpha':
                hint = ' (its last band is alpha; pass drop_alpha=True to drop it)'
            elif bands is None:
                hint = (' (a multiband raster; set expected_bands to its band count '
                        'or None, or select bands with bands=[...], 1-based)')
            raise BandCountError(
                f'Image {path} has {num_bands} band(s) ({", ".join(interp)}; dtype '
                f'{img.dtype}) but LoadRSImage expected {self.expected_bands}{hint}.')
        if picture and interp[:3] == ('red', 'green', 'blue'):
            order = [2, 1, 0] + ([3] if num_bands == 4 else [])
            img = np.ascontiguousarray(img[..., order])  # mmcv's B, G, R(, A)
        if raster.nodata_mask is not None:
            if self.nodata_fill is not None:
                fill_nodata(img, raster.nodata_mask, self.nodata_fill, path)
            results['nodata_mask'] = raster.nodata_mask
        return img

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
        if isinstance(results['img_path'], (list, tuple)):
            raise TypeError(
                f'LoadRSImage reads one file, got img_path={results["img_path"]!r}; '
                'use LoadBandFiles for data sets with one file per band.')
        path = os.fspath(results['img_path'])
        bands = self.bands if self.bands is not None else results.get('bands')
        img = None
        if uses_rasterio(path, self.backend, bands):
            img = self._read_raster(path, results)
        elif (osp.splitext(path)[1].lower() in _JPEG_EXTENSIONS
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
                f'to_float32={self.to_float32}, '
                f'backend={self.backend!r}, bands={self.bands}, '
                f'nodata={self.nodata}, nodata_fill={self.nodata_fill})')
