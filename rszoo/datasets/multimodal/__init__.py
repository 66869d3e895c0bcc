"""Multimodal (HSI + LiDAR, ...) land-cover data sets: per-pixel patches around
labelled pixels of co-registered band stacks, the papers' training-sample
protocols, band-wise normalisation fitted on training pixels only."""
from .band_io import BandFileError, read_band_stack, read_label_map, read_mat_array
from .band_normalization import BandNormalizer
from .houston2013 import HOUSTON2013_CLASSES, Houston2013
from .mdlrs_vectors import MDLRSHouston2013Vectors
from .multimodal_patch_dataset import GridMismatchError, MultimodalPatchDataset
from .muufl import MUUFL_CLASSES, MUUFL
from .pixel_split import (carve_validation, read_pixel_split, sample_per_class,
                          stratified_pixel_split, write_pixel_split)
from .synthetic import synthetic_cube
from .trento import TRENTO_CLASSES, TRENTO_STANDARD_TRAIN_COUNTS, Trento

__all__ = [
    'MultimodalPatchDataset', 'GridMismatchError', 'Houston2013', 'Trento', 'MUUFL',
    'MDLRSHouston2013Vectors', 'BandNormalizer', 'BandFileError', 'read_band_stack',
    'read_label_map', 'read_mat_array', 'synthetic_cube', 'stratified_pixel_split',
    'sample_per_class', 'carve_validation', 'write_pixel_split', 'read_pixel_split',
    'HOUSTON2013_CLASSES', 'TRENTO_CLASSES', 'TRENTO_STANDARD_TRAIN_COUNTS', 'MUUFL_CLASSES'
]
