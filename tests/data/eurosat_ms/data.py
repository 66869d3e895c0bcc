#!/usr/bin/env python
"""Write the tiny fake EuroSAT-MS tree used by ``tests/test_datasets/test_eurosat_ms.py``.

Layout as the Zenodo ``EuroSAT_MS`` release (``<root>/<Class>/<Class>_<n>.tif``):
one 64x64, 13-band, uint16 GeoTIFF per class (bands B01..B12 then B8A, the
files' order), georeferenced like a Sentinel-2 UTM tile (10 m pixels), DEFLATE
with a horizontal predictor so each file is a few kB. Pixel values are ramps
and a class-specific checkerboard around per-band levels typical of L1C digital numbers
(B10 cirrus ~10, visible ~1,000-3,000); band 13 (B8A) of ``AnnualCrop_1``
reaches 40,000+ so that a loader which cuts 16-bit data to 8 bits or to int16
fails the tests. Deterministic (seed 0); rerun from this folder to regenerate:

    cd tests/data/eurosat_ms && python data.py

Modelled on torchgeo's ``tests/data/eurosat/data.py``.
"""
import os
import shutil

import numpy as np
import rasterio
from rasterio.transform import Affine

CLASSES = ('AnnualCrop', 'Forest', 'HerbaceousVegetation', 'Highway', 'Industrial',
           'Pasture', 'PermanentCrop', 'Residential', 'River', 'SeaLake')
# B01 B02 B03 B04 B05 B06 B07 B08 B09 B10 B11 B12 B8A  (file order)
LEVELS = (1300, 1100, 1000, 900, 1200, 2000, 2300, 2200, 800, 12, 1800, 1100, 2500)
SIZE = 64
ROOT = 'EuroSAT_MS'


def make_image(rng: np.random.Generator, class_index: int) -> np.ndarray:
    """(13, 64, 64) uint16: level + ramp + a checkerboard whose cell size
    depends on the class; integer patterns so that the files compress."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    cell = 4 + 2 * class_index
    checker = ((xx // cell + yy // cell) % 2).astype(np.int64)
    bands = []
    for level in LEVELS:
        base = int(level * (1.0 + 0.1 * class_index)) + int(rng.integers(0, 20))
        bands.append(base + (xx + yy) * max(level // 200, 1) + checker * (level // 10))
    image = np.stack(bands)
    if class_index == 0:  # a saturated corner in B8A: values above 32,767
        image[12, :8, :8] = 40000 + xx[:8, :8] + yy[:8, :8]
    return image.astype(np.uint16)


def main() -> None:
    rng = np.random.default_rng(0)
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    for index, name in enumerate(CLASSES):
        os.makedirs(os.path.join(ROOT, name))
        profile = dict(driver='GTiff', dtype='uint16', count=13, height=SIZE, width=SIZE,
                       crs='EPSG:32632',
                       transform=Affine(10, 0, 500000 + 640 * index, 0, -10, 5000000),
                       compress='deflate', predictor=2, zlevel=9)
        path = os.path.join(ROOT, name, f'{name}_1.tif')
        with rasterio.open(path, 'w', **profile) as dst:
            dst.write(make_image(rng, index))
    print('wrote', sum(os.path.getsize(os.path.join(d, f))
                       for d, _, fs in os.walk(ROOT) for f in fs), 'bytes')


if __name__ == '__main__':
    main()
