"""Per-band mean and standard deviation of a training set, for the
``mean`` / ``std`` of a data preprocessor with any number of bands."""
from typing import Iterable, List, Optional, Tuple, Union

import numpy as np


def compute_band_stats(
    images: Iterable[Union[np.ndarray, Tuple[np.ndarray, Optional[np.ndarray]]]]
) -> Tuple[List[float], List[float]]:
    """Mean and population standard deviation of every band over all pixels.

    Images are combined with Chan et al.'s parallel variance update (each
    image's mean and sum of squared deviations in float64, then merged), so
    16-bit data over thousands of images loses no precision.

    Args:
        images: ``H x W x C`` arrays (any dtype, the same ``C``), or
            ``(array, nodata_mask)`` pairs whose ``(H, W)`` bool mask marks
            pixels to leave out.

    Returns:
        (mean, std): two lists of ``C`` floats, in band order.

    Raises:
        ValueError: no pixel at all, or images with different band counts.
    """
    count, mean, m2, bands = 0, None, None, None
    for item in images:
        array, mask = item if isinstance(item, tuple) else (item, None)
        if array.ndim == 2:
            array = array[:, :, None]
        if bands is None:
            bands = array.shape[2]
            mean, m2 = np.zeros(bands), np.zeros(bands)
        elif array.shape[2] != bands:
            raise ValueError(f'compute_band_stats: an image has {array.shape[2]} bands, '
                             f'the first had {bands}.')
        pixels = array.reshape(-1, bands)
        if mask is not None:
            pixels = pixels[~np.asarray(mask, bool).reshape(-1)]
        n = pixels.shape[0]
        if n == 0:
            continue
        pixels = pixels.astype(np.float64)
        image_mean = pixels.mean(axis=0)
        image_m2 = ((pixels - image_mean) ** 2).sum(axis=0)
        total = count + n
        delta = image_mean - mean
        mean = mean + delta * (n / total)
        m2 = m2 + image_m2 + delta ** 2 * (count * n / total)
        count = total
    if count == 0:
        raise ValueError('compute_band_stats: no pixels (no images, or all no-data).')
    return mean.tolist(), np.sqrt(m2 / count).tolist()


def dataset_band_stats(dataset,
                       max_images: Optional[int] = None,
                       seed: int = 0) -> Tuple[List[float], List[float]]:
    """Per-band mean/std of a dataset's images as its loader decodes them.

    Only the pipeline's loading transform (``LoadRSImage`` / ``LoadBandFiles``,
    the first transform) runs, so the statistics are of the raw bands, before
    any augmentation, in the order the model sees them; no-data pixels are
    left out. Run it on the **training** split and put the result in the
    ``data_preprocessor`` (``MultiBandDataPreprocessor(mean=..., std=...)``).

    Args:
        dataset: an rszoo dataset (``get_data_info`` and a pipeline whose first
            transform loads the image).
        max_images (int, optional): use a random subset of this many images
            (``seed``); None uses all.
        seed (int): seed of that subset.

    Returns:
        (mean, std): lists with one float per band.
    """
    from .transforms import LoadBandFiles, LoadRSImage
    loaders = [t for t in dataset.pipeline.transforms
               if isinstance(t, (LoadRSImage, LoadBandFiles))]
    if not loaders:
        raise ValueError(f'dataset_band_stats: {type(dataset).__name__} has no '
                         'LoadRSImage / LoadBandFiles in its pipeline.')
    indices = np.arange(len(dataset))
    if max_images is not None and max_images < len(indices):
        indices = np.sort(np.random.default_rng(seed).choice(indices, max_images,
                                                             replace=False))

    def images():
        for i in indices:
            info = dataset.get_data_info(int(i))
            results = loaders[0](info)
            yield results['img'], results.get('nodata_mask')

    return compute_band_stats(images())
