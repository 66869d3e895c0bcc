"""Show any remote-sensing image as an 8-bit RGB picture: pick three bands
(or one, as grey) and stretch them.

Used by ``tools/visualization/browse_dataset.py`` and ``vis_cam.py``, and
meant for the data sets' ``plot()`` too (torchgeo's convention: a data set
names its bands and the three shown as red, green, blue, and non-8-bit data
is stretched per band between the 2nd and 98th percentiles). A data set
names them as ``BANDS`` / ``RGB_BANDS`` class attributes (EuroSAT-MS) or as
``METAINFO['bands']`` / ``METAINFO['rgb_bands']``; see :func:`dataset_bands`.

Band conventions (what the loaders hand the pipeline, ``H x W x C``):

- 3- and 4-band 8-bit files come out of :class:`rszoo.datasets.transforms.LoadRSImage`
  in mmcv's **BGR(A)** order, so the default ``channel_order='BGR'`` shows
  them as R, G, B = bands 2, 1, 0;
- any other band count is in the file's band order (e.g. Sentinel-2's
  B01 ... B12) and, without ``bands`` / ``rgb_bands``, the first three bands
  are shown as R, G, B (one band: grey; two bands: the first, as grey).
"""
from typing import Optional, Sequence, Union

import numpy as np

BandSpec = Sequence[Union[int, str]]

#: the percentiles of the default stretch (torchgeo's ``percentile_normalization``)
STRETCH_PERCENTILES = (2., 98.)


def _as_hwc(img: np.ndarray) -> np.ndarray:
    img = np.asarray(img)
    if img.ndim == 2:
        return img[:, :, None]
    if img.ndim != 3:
        raise ValueError(f'an image must be H x W x C or H x W, got shape {img.shape}')
    return img


def resolve_bands(num_bands: int,
                  bands: Optional[BandSpec] = None,
                  band_names: Optional[Sequence[str]] = None,
                  rgb_bands: Optional[BandSpec] = None,
                  channel_order: str = 'BGR') -> list:
    """Indices of the bands shown as R, G, B (three) or grey (one).

    Args:
        num_bands (int): ``C`` of the ``H x W x C`` image.
        bands: the bands to show, as indices (0-based) or names of
            ``band_names``; one or three of them. Wins over everything else.
        band_names: the names of the ``C`` bands (a data set's
            ``METAINFO['bands']``), to resolve names.
        rgb_bands: the data set's natural-colour bands (``METAINFO['rgb_bands']``),
            used when ``bands`` is not given.
        channel_order (str): ``'BGR'`` (LoadRSImage's order for 3- and 4-band
            images: shown as bands 2, 1, 0) or ``'RGB'`` (shown as 0, 1, 2).
            Ignored for other band counts and when ``bands``/``rgb_bands`` is
            given.

    Raises:
        ValueError: a band index is out of range, a name is unknown, or not
            one or three bands were asked for.
    """
    if channel_order not in ('BGR', 'RGB'):
        raise ValueError(f'channel_order must be "BGR" or "RGB", got {channel_order!r}')
    spec = bands if bands is not None else rgb_bands
    if spec is None:
        if num_bands in (3, 4):
            return [2, 1, 0] if channel_order == 'BGR' else [0, 1, 2]
        return [0, 1, 2] if num_bands >= 3 else [0]
    spec = list(spec)
    if len(spec) not in (1, 3):
        raise ValueError(f'show one band (grey) or three (R, G, B), got {len(spec)}: {spec}')
    names = list(band_names) if band_names is not None else None
    if names is not None and len(names) != num_bands:
        raise ValueError(f'{len(names)} band names {names} for an image with {num_bands} bands')
    indices = []
    for band in spec:
        if isinstance(band, str) and not band.lstrip('-').isdigit():
            if names is None or band not in names:
                known = f'; the bands are {names}' if names else \
                    ' (the data set names no bands: give indices)'
                raise ValueError(f'unknown band name {band!r}{known}')
            indices.append(names.index(band))
        else:
            index = int(band)
            if not 0 <= index < num_bands:
                raise ValueError(f'band index {index} is outside [0, {num_bands}) '
                                 f'for an image with {num_bands} bands')
            indices.append(index)
    return indices


def dataset_bands(dataset, selection: Optional[Sequence[str]] = None,
                  num_bands: Optional[int] = None):
    """``(band_names, rgb_bands)`` of a data set (an instance or its class),
    for :func:`to_display_rgb`.

    ``band_names``: ``selection`` (the bands a sample was loaded with, e.g.
    its data info's ``bands`` or ``band_names``), else the data set's
    ``metainfo['bands']`` / ``METAINFO['bands']`` / ``BANDS``. ``rgb_bands``:
    ``metainfo['rgb_bands']`` / ``METAINFO['rgb_bands']`` / ``RGB_BANDS``.
    Names that do not fit (a count other than ``num_bands``; RGB bands that
    are not among the loaded ones) are dropped (None), so the default
    (first three bands) applies instead of an error.
    """
    meta = {}
    for source in (getattr(dataset, 'METAINFO', None), getattr(dataset, 'metainfo', None)):
        if isinstance(source, dict):
            meta.update(source)
    names = selection if selection is not None else (
        meta.get('bands') or getattr(dataset, 'BANDS', None))
    names = list(names) if names is not None else None
    if names is not None and num_bands is not None and len(names) != num_bands:
        names = None
    rgb = meta.get('rgb_bands') or getattr(dataset, 'RGB_BANDS', None)
    if rgb is not None and any(isinstance(b, str) and (names is None or b not in names)
                               for b in rgb):
        rgb = None
    return names, (list(rgb) if rgb is not None else None)


def percentile_stretch(img: np.ndarray,
                       percentiles: Sequence[float] = STRETCH_PERCENTILES) -> np.ndarray:
    """Per-band linear stretch to ``uint8``: ``low`` -> 0, ``high`` -> 255.

    ``(x - p_lo) / (p_hi - p_lo)`` clipped to ``[0, 1]``, with ``p_lo`` /
    ``p_hi`` the band's ``percentiles`` (NaNs ignored). A constant band
    (``p_hi == p_lo``) becomes 0.

    Args:
        img: ``H x W x C`` (or ``H x W``) array of any real dtype.

    Returns:
        ``H x W x C`` ``uint8`` array.
    """
    img = _as_hwc(img).astype(np.float64)
    low, high = np.nanpercentile(img.reshape(-1, img.shape[2]), percentiles, axis=0)
    scale = np.where(high > low, high - low, np.inf)
    out = np.clip((img - low) / scale, 0., 1.)
    return np.nan_to_num(out * 255. + 0.5, nan=0.).astype(np.uint8)


def to_display_rgb(img: np.ndarray,
                   bands: Optional[BandSpec] = None,
                   band_names: Optional[Sequence[str]] = None,
                   rgb_bands: Optional[BandSpec] = None,
                   channel_order: str = 'BGR',
                   percentiles: Sequence[float] = STRETCH_PERCENTILES) -> np.ndarray:
    """An ``H x W x 3`` ``uint8`` RGB picture of an ``H x W x C`` image.

    The bands of :func:`resolve_bands` are taken (one band is repeated as
    grey); ``uint8`` data is shown as is, any other dtype (``uint16``
    reflectance, float) through :func:`percentile_stretch`, per band.

    Example::

        >>> s2 = np.random.randint(0, 10000, (64, 64, 13), np.uint16)
        >>> to_display_rgb(s2, bands=[3, 2, 1]).shape   # B04, B03, B02
        (64, 64, 3)
    """
    img = _as_hwc(img)
    indices = resolve_bands(img.shape[2], bands, band_names, rgb_bands, channel_order)
    shown = img[:, :, indices]
    if shown.dtype != np.uint8:
        shown = percentile_stretch(shown, percentiles)
    if shown.shape[2] == 1:
        shown = np.repeat(shown, 3, axis=2)
    return np.ascontiguousarray(shown)


def tensor_to_hwc(inputs) -> np.ndarray:
    """A packed ``C x H x W`` tensor (``PackInputs``' ``inputs``) as ``H x W x C`` numpy."""
    array = inputs.detach().cpu().numpy() if hasattr(inputs, 'detach') else np.asarray(inputs)
    if array.ndim != 3:
        raise ValueError(f'packed inputs must be C x H x W, got shape {array.shape}')
    return np.ascontiguousarray(array.transpose(1, 2, 0))
