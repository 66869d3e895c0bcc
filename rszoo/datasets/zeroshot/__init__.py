"""Zero-shot scene classification data: seen/unseen class splits and the
data set wrappers that serve them."""
from .class_split import (CLASS_SUBSETS, SUBSET_CLASSES, ZSL_SUBSETS, ClassSplit,
                          check_subset, default_num_val_unseen, make_class_split,
                          split_seen_images, subset_positions)
from .feature_dataset import ZSLFeatureDataset
from .zero_shot_dataset import ZeroShotDataset

__all__ = ['ClassSplit', 'split_seen_images', 'make_class_split',
           'default_num_val_unseen', 'ZeroShotDataset', 'ZSLFeatureDataset', 'subset_positions',
           'ZSL_SUBSETS', 'CLASS_SUBSETS', 'SUBSET_CLASSES', 'check_subset']
