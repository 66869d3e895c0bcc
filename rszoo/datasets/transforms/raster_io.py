"""Reading GeoTIFF and other GDAL rasters into ``H x W x C`` numpy arrays.

:func:`read_raster` is the one place rszoo opens a raster with ``rasterio``
(GDAL): any band count, the file's dtype kept (``uint8``, ``uint16``,
``int16``, ``float32``, ...), a band selection by 1-based index or by name,
and the file's no-data pixels as a mask. :class:`LoadRSImage` and
:class:`LoadBandFiles` are built on it; the datasets' ``on_corrupt='skip'``
check and ``EuroSATMS.plot`` use it too.

Band indexes are **1-based**, rasterio's and GDAL's convention
(``src.read(1)`` is the first band), so ``bands=[4, 3, 2]`` is the same list
as in ``gdal_translate -b 4 -b 3 -b 2``.

rasterio is imported lazily: rszoo imports without it, and only reading a
raster asks for it.
"""
import contextlib
import os
import warnings
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple, Union

import numpy as np

from .errors import BandIndexError, CorruptImageError

BandSpec = Union[int, str]


@dataclass
class Raster:
    """What :func:`read_raster` returns.

    Attributes:
        array (np.ndarray): ``H x W x C`` pixels in the file's dtype, bands in
            the order asked for (file order when no selection was given).
        indexes (tuple[int]): the 1-based file band index of each channel.
        colorinterp (tuple[str]): GDAL's colour interpretation of each channel
            (``'red'``, ``'green'``, ``'blue'``, ``'alpha'``, ``'gray'``,
            ``'palette'``, ``'undefined'``, ...).
        nodata_mask (np.ndarray or None): ``H x W`` bool, True where any
            channel is no-data; None when neither the file nor the caller
            defines no-data.
        names (tuple[str] or None): band names of the channels when known.
    """
    array: np.ndarray
    indexes: Tuple[int, ...]
    colorinterp: Tuple[str, ...]
    nodata_mask: Optional[np.ndarray] = None
    names: Optional[Tuple[str, ...]] = None


def _rasterio():
    try:
        import rasterio
    except ImportError as err:  # pragma: no cover - rasterio is a dependency
        raise ImportError(
            'Reading GeoTIFF / multiband rasters needs rasterio '
            '(pip install rasterio).') from err
    return rasterio


@contextlib.contextmanager
def quiet_georeference() -> Iterator[None]:
    """Silence rasterio's ``NotGeoreferencedWarning`` inside the block.

    Image-like TIFFs (scene-classification sets, 38-Cloud patches) carry no
    geotransform; for a loader that only wants the pixels this warning is
    expected, so it is filtered here and nowhere else.
    """
    from rasterio.errors import NotGeoreferencedWarning
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', NotGeoreferencedWarning)
        yield


def _describe(err: BaseException) -> str:
    """``err`` with GDAL's underlying reason (rasterio chains it)."""
    text = f'{type(err).__name__}: {err}'
    cause = err.__cause__ or err.__context__
    if cause is not None and str(cause) and str(cause) not in text:
        text += f' ({cause})'
    return text


def resolve_bands(bands: Sequence[BandSpec],
                  count: int,
                  path: str,
                  band_names: Optional[Sequence[str]] = None
                  ) -> Tuple[Tuple[int, ...], Optional[Tuple[str, ...]]]:
    """Turn a band selection into 1-based file indexes.

    Args:
        bands: 1-based ints and/or band names.
        count: number of bands in the file.
        path: the file, for error messages.
        band_names: the names of the file's bands in file order (a dataset's
            list, e.g. EuroSAT-MS's ``B01`` .. ``B12``; or the file's own band
            descriptions).

    Returns:
        (indexes, names): names is None when ``band_names`` is unknown.

    Raises:
        BandIndexError: an index is outside ``1..count``, a name is unknown,
            or ``band_names`` does not have ``count`` entries.
    """
    if isinstance(bands, (int, str)):
        bands = [bands]
    if len(bands) == 0:
        raise BandIndexError(f'Image {path}: bands= is empty; give at least one band.')
    if band_names is not None and len(band_names) != count:
        raise BandIndexError(
            f'Image {path} has {count} band(s) but its data set names '
            f'{len(band_names)} ({list(band_names)}).')
    indexes = []
    for band in bands:
        if isinstance(band, (bool, np.bool_)):
            raise BandIndexError(f'Image {path}: band {band!r} is not an index or name.')
        if isinstance(band, (int, np.integer)):
            if not 1 <= band <= count:
                hint = ' (band indexes are 1-based, as in rasterio/GDAL)' if band == 0 else ''
                raise BandIndexError(
                    f'Image {path} has {count} band(s); band index {int(band)} '
                    f'is out of range 1..{count}{hint}.')
            indexes.append(int(band))
        elif isinstance(band, str):
            if band_names is None or band not in band_names:
                known = (f'known names: {list(band_names)}' if band_names is not None
                         else 'the file has no band names and its data set gives none; '
                         'use 1-based indexes')
                raise BandIndexError(f'Image {path}: unknown band name {band!r} ({known}).')
            indexes.append(list(band_names).index(band) + 1)
        else:
            raise BandIndexError(
                f'Image {path}: band {band!r} is neither a 1-based index nor a name.')
    names = (tuple(band_names[i - 1] for i in indexes)
             if band_names is not None else None)
    return tuple(indexes), names


def _palette_to_rgb(src, array: np.ndarray) -> Tuple[np.ndarray, Tuple[str, ...]]:
    """Expand a 1-band palette raster (C, H, W) into RGB(A) through its colour map."""
    colormap = src.colormap(1)
    lut = np.zeros((max(256, max(colormap) + 1), 4), np.uint8)
    lut[:, 3] = 255
    for value, rgba in colormap.items():
        lut[value] = rgba
    has_alpha = bool((lut[np.unique(array)][:, 3] != 255).any())
    channels = 4 if has_alpha else 3
    rgb = lut[array[0]][..., :channels].transpose(2, 0, 1)
    return rgb, ('red', 'green', 'blue', 'alpha')[:channels]


def _nodata_mask(src, array: np.ndarray, indexes: Sequence[int],
                 nodata: Optional[float]) -> Optional[np.ndarray]:
    """(H, W) bool: any selected band is no-data; None when none is defined."""
    if nodata is not None:
        values = [nodata] * len(indexes)
    else:
        values = [src.nodatavals[i - 1] for i in indexes]
    if any(v is not None for v in values):
        mask = np.zeros(array.shape[1:], bool)
        for band, value in zip(array, values):
            if value is None:
                continue
            mask |= np.isnan(band) if np.isnan(value) else band == value
        return mask
    from rasterio.enums import MaskFlags
    flags = [src.mask_flag_enums[i - 1] for i in indexes]
    if any(MaskFlags.per_dataset in f and MaskFlags.alpha not in f for f in flags):
        # an internal mask band (GDAL ``.msk`` / TIFF mask IFD): 0 = no data
        return (src.read_masks(list(indexes)) == 0).any(axis=0)
    return None


def read_raster(path: Union[str, os.PathLike],
                bands: Optional[Sequence[BandSpec]] = None,
                band_names: Optional[Sequence[str]] = None,
                nodata: Optional[float] = None,
                expand_palette: bool = True) -> Raster:
    """Read a raster file with rasterio into an ``H x W x C`` array.

    Args:
        path: any file GDAL reads (GeoTIFF, JPEG2000, PNG, ENVI, ...).
        bands: 1-based band indexes and/or names, in the order wanted;
            None reads every band in file order.
        band_names: names of the file's bands in file order, for ``bands``
            given by name; default: the file's band descriptions when it has
            them.
        nodata: pixel value to treat as no-data instead of the file's own
            no-data value(s).
        expand_palette: expand a 1-band palette file into RGB(A) (only when
            ``bands`` is None).

    Returns:
        Raster: the array (file dtype, C-contiguous, writable) and metadata.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        CorruptImageError: GDAL cannot open or fully read the file (not a
            raster, truncated, broken compression); the message names the file
            and GDAL's reason.
        BandIndexError: ``bands`` asks for a band the file does not have.
    """
    rasterio = _rasterio()
    from rasterio.errors import RasterioError
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f'Image file not found: {path}')
    with quiet_georeference():
        try:
            src = rasterio.open(path)
        except RasterioError as err:
            raise CorruptImageError(f'Cannot decode image {path}: {_describe(err)}') from err
        with src:
            names = band_names
            if names is None and any(src.descriptions):
                names = tuple(d or f'band{i}' for i, d in enumerate(src.descriptions, 1))
            if bands is None:
                indexes = tuple(range(1, src.count + 1))
                selected = tuple(names) if names is not None else None
            else:
                indexes, selected = resolve_bands(bands, src.count, path, names)
            try:
                array = src.read(list(indexes))
                mask = _nodata_mask(src, array, indexes, nodata)
            except RasterioError as err:
                raise CorruptImageError(
                    f'Cannot decode image {path}: {_describe(err)}') from err
            colorinterp = tuple(src.colorinterp[i - 1].name for i in indexes)
            if bands is None and expand_palette and colorinterp == ('palette',):
                array, colorinterp = _palette_to_rgb(src, array)
    return Raster(array=np.ascontiguousarray(array.transpose(1, 2, 0)),
                  indexes=indexes, colorinterp=colorinterp,
                  nodata_mask=mask, names=selected)


def fill_nodata(array: np.ndarray, mask: np.ndarray, value: float, path: str) -> np.ndarray:
    """Write ``value`` into the pixels of ``array`` (H, W, C) where ``mask`` (H, W)
    is True, in place; the value must be representable in the array's dtype."""
    cast = np.array(value).astype(array.dtype)
    if not (cast == value or (np.isnan(value) and np.isnan(cast))):
        raise ValueError(
            f'Image {path}: nodata_fill={value!r} is not representable in its '
            f'dtype {array.dtype} (would become {cast!r}).')
    array[mask] = cast
    return array
