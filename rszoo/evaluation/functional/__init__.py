"""Metric functions on plain arrays (numpy or torch), used by the registered
metrics in :mod:`rszoo.evaluation.metrics` and directly by tools and tests."""
from .zsl import (ausuc, calibrated_stacking, choose_calibration, gzsl_accuracies,
                  harmonic_mean, per_class_accuracy, restricted_predict, zsl_accuracy)

__all__ = [
    'ausuc', 'calibrated_stacking', 'choose_calibration', 'gzsl_accuracies', 'harmonic_mean',
    'per_class_accuracy', 'restricted_predict', 'zsl_accuracy'
]
