"""EuroSAT, multispectral version (Helber et al., 2019): 13 Sentinel-2 bands."""
from typing import Optional, Sequence, Tuple

import numpy as np

from rszoo.registry import DATASETS
from .eurosat import EuroSATRGB
from .scene_classification import RSSceneDataset
from .transforms.multiband_support import check_multiband_pipeline
from .transforms.raster_io import read_raster


def percentile_stretch(image: np.ndarray,
                       percentiles: Tuple[float, float] = (2, 98)) -> np.ndarray:
    """Scale each channel of ``image`` (H, W, C) to [0, 1] between its
    ``percentiles`` (clipped): the usual way to show 12/16-bit reflectance
    as an 8-bit-looking picture. Returns float32."""
    image = image.astype(np.float32)
    low, high = np.percentile(image, percentiles, axis=(0, 1))
    scale = np.where(high > low, high - low, 1.0)
    return np.clip((image - low) / scale, 0.0, 1.0)


@DATASETS.register_module()
class EuroSATMS(RSSceneDataset):
    """EuroSAT (multispectral): 27,000 Sentinel-2 L1C patches of 10 land-use /
    land-cover classes, 64x64 px GeoTIFFs with all 13 bands, ``uint16``.

    P. Helber, B. Bischke, A. Dengel, D. Borth, "EuroSAT: A Novel Dataset
    and Deep Learning Benchmark for Land Use and Land Cover Classification",
    IEEE JSTARS 12(7), 2019.

    ``data_root`` is the class-folder root of the multispectral archive:
    ``ds/images/remote_sensing/otherDatasets/sentinel_2/tif`` in the original
    ``EuroSATallBands.zip``, ``EuroSAT_MS`` in the Zenodo re-release
    (``<data_root>/AnnualCrop/AnnualCrop_1.tif``, ...). Classes and labels
    as :class:`EuroSATRGB` (torchgeo's ``EuroSAT``).

    Band order in the files (:attr:`BANDS`): B01 .. B12, then **B8A last**
    (the 13th band). The paper lists B8A after B08, but the files store it
    last: ``phelber/EuroSAT`` issue #7 (closed by the authors without
    objection) and torchgeo's fix (``torchgeo/torchgeo`` issue #2458, PR
    #2480, Dec 2024; the 9th band has the 60 m look of B09). Pixel values are
    L1C digital numbers (reflectance x 10,000).

    Each sample carries ``band_names`` (:attr:`BANDS`) and, with ``bands``
    given, ``bands`` (the selection), which ``LoadRSImage`` reads:
    ``LoadRSImage(expected_bands=None)`` then loads the selected bands in the
    given order (e.g. ``bands=('B04', 'B03', 'B02', 'B08')``), or all 13.

    Args:
        data_root (str): the class-folder root (see above).
        bands (Sequence[str], optional): band names to load, a subset of
            :attr:`BANDS` in any order. Defaults to None (all 13, file order).
        **kwargs: as :class:`RSSceneDataset` (``split_file``, ``pipeline``,
            ``on_corrupt``, ``preload``, ...).

    Raises:
        ValueError: ``bands`` names an unknown band (the message lists them);
            the pipeline holds a transform that needs 8-bit RGB
            (``ColorJitter``, ``RandAugment``, ``backend='pillow'``, ...; see
            :mod:`rszoo.datasets.transforms.multiband_support`).
    """

    METAINFO = dict(classes=EuroSATRGB.METAINFO['classes'])

    #: The 13 Sentinel-2 bands in file order (B8A is the 13th band).
    BANDS = ('B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09',
             'B10', 'B11', 'B12', 'B8A')
    #: Red, green, blue, for :meth:`plot`.
    RGB_BANDS = ('B04', 'B03', 'B02')

    def __init__(self,
                 data_root: str,
                 bands: Optional[Sequence[str]] = None,
                 **kwargs) -> None:
        if isinstance(bands, str):
            bands = [bands]
        if bands is not None:
            unknown = [b for b in bands if b not in self.BANDS]
            if unknown or not bands:
                raise ValueError(
                    f'EuroSATMS: unknown band name(s) {unknown} in bands={list(bands)}; '
                    f'EuroSAT-MS has {list(self.BANDS)} (file order).')
        self.bands = tuple(bands) if bands is not None else None
        check_multiband_pipeline(kwargs.get('pipeline', ()), 'EuroSATMS')
        super().__init__(data_root=data_root, **kwargs)

    def _sample_extras(self) -> dict:
        extras = dict(band_names=self.BANDS)
        if self.bands is not None:
            extras['bands'] = self.bands
        return extras

    def plot(self,
             index: int,
             prediction: Optional[int] = None,
             show_title: bool = True,
             figsize: Tuple[float, float] = (4, 4),
             percentiles: Tuple[float, float] = (2, 98)):
        """Draw sample ``index`` as a true-colour picture (B04, B03, B02, each
        stretched between its 2nd and 98th percentile), torchgeo-style.

        The RGB bands are read from the file whatever ``bands`` selects.

        Returns:
            matplotlib.figure.Figure: drawn on an Agg canvas (no GUI).
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        info = self.get_data_info(index)
        raster = read_raster(info['img_path'], bands=self.RGB_BANDS, band_names=self.BANDS)
        rgb = percentile_stretch(raster.array, percentiles)
        figure = Figure(figsize=figsize)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        axes.imshow(rgb)
        axes.axis('off')
        if show_title:
            title = f'Label: {self.CLASSES[info["gt_label"]]}'
            if prediction is not None:
                title += f'\nPrediction: {self.CLASSES[int(prediction)]}'
            axes.set_title(title)
        figure.tight_layout()
        return figure

    def extra_repr(self):
        return super().extra_repr() + [f'Bands: \t{self.bands or self.BANDS}']
