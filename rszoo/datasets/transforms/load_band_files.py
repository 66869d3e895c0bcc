"""Stack one-file-per-band rasters into one ``H x W x C`` image."""
import os
from typing import Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS
from .errors import BandCountError
from .raster_io import fill_nodata, read_raster


@TRANSFORMS.register_module()
class LoadBandFiles(BaseTransform):
    """Load a sample whose bands are separate files and stack them.

    Some data sets ship each band as its own TIFF: 38-Cloud (Mohajerani et
    al., MMSP 2018) has ``train_red/red_patch_*.TIF``, ``train_green/...``,
    ``train_blue/...``, ``train_nir/...``; Sentinel-2 L1C/L2A products have
    one JPEG2000 per band. Every file is read with rasterio
    (:func:`~rszoo.datasets.transforms.raster_io.read_raster`, the file's
    dtype kept) and the bands are concatenated in the order of ``img_path``
    (a multiband file contributes all its bands in file order).

    Required keys: ``img_path`` (a list of file paths, one or more bands
    each; the dataset decides the band order).

    Added keys: ``img`` (``H x W x C`` array, the files' common dtype),
    ``img_shape``, ``ori_shape`` (``(H, W)``); ``nodata_mask`` (``(H, W)``
    bool, True where any band is no-data) when any file (or ``nodata=``)
    defines no-data.

    Args:
        expected_bands (int, optional): number of bands the stack must have;
            None accepts any. Defaults to None.
        to_float32 (bool): return ``float32`` instead of the files' dtype.
            Defaults to False.
        nodata (float, optional): value to treat as no-data instead of the
            files' own no-data values. Defaults to None.
        nodata_fill (float, optional): write this value into no-data pixels.
            Defaults to None.

    Raises (from :meth:`transform`):
        FileNotFoundError / CorruptImageError: as ``LoadRSImage``, naming the file.
        ValueError: the files differ in height/width or dtype (the message
            names both files), or ``img_path`` is not a list.
        BandCountError: the stack has a band count other than ``expected_bands``.
    """

    def __init__(self,
                 expected_bands: Optional[int] = None,
                 to_float32: bool = False,
                 nodata: Optional[float] = None,
                 nodata_fill: Optional[float] = None) -> None:
        if expected_bands is not None and (not isinstance(expected_bands, int)
                                           or expected_bands < 1):
            raise ValueError('LoadBandFiles: expected_bands must be a positive '
                             f'int or None, got {expected_bands!r}')
        self.expected_bands = expected_bands
        self.to_float32 = to_float32
        self.nodata = nodata
        self.nodata_fill = nodata_fill

    def transform(self, results: dict) -> dict:
        """Read and stack ``results['img_path']`` into ``results['img']``."""
        paths = results['img_path']
        if isinstance(paths, (str, os.PathLike)) or not isinstance(paths, Sequence):
            raise ValueError(
                f'LoadBandFiles needs img_path as a list of per-band files, got '
                f'{paths!r}; use LoadRSImage for a single file.')
        if len(paths) == 0:
            raise ValueError('LoadBandFiles: img_path is an empty list.')
        arrays, mask, first = [], None, None
        for path in paths:
            path = os.fspath(path)
            raster = read_raster(path, nodata=self.nodata, expand_palette=False)
            array = raster.array
            if first is None:
                first = (path, array)
            elif array.shape[:2] != first[1].shape[:2]:
                raise ValueError(
                    f'LoadBandFiles: {path} is {array.shape[0]}x{array.shape[1]} '
                    f'(H x W) but {first[0]} is '
                    f'{first[1].shape[0]}x{first[1].shape[1]}; band files must align.')
            elif array.dtype != first[1].dtype:
                raise ValueError(
                    f'LoadBandFiles: {path} is {array.dtype} but {first[0]} is '
                    f'{first[1].dtype}; stack bands of one dtype (read masks or '
                    'labels with a separate loader).')
            if raster.nodata_mask is not None:
                mask = raster.nodata_mask if mask is None else mask | raster.nodata_mask
            arrays.append(array)
        img = np.concatenate(arrays, axis=2) if len(arrays) > 1 else arrays[0]
        if self.expected_bands is not None and img.shape[2] != self.expected_bands:
            raise BandCountError(
                f'LoadBandFiles: the {len(paths)} file(s) {list(map(os.fspath, paths))} '
                f'hold {img.shape[2]} band(s) but expected_bands={self.expected_bands}.')
        if mask is not None:
            if self.nodata_fill is not None:
                fill_nodata(img, mask, self.nodata_fill, os.fspath(paths[0]))
            results['nodata_mask'] = mask
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(expected_bands={self.expected_bands}, '
                f'to_float32={self.to_float32}, nodata={self.nodata}, '
                f'nodata_fill={self.nodata_fill})')
