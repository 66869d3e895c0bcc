"""Data set pruning: sample scores (TDDS) and coreset index files.

Scoring lives in the data layer, not in ``rszoo.evaluation``: it chooses which
training samples a run sees (it evaluates no model), its output is a data set
file read by :class:`rszoo.datasets.CoresetDataset`, and the recording hook
(``rszoo.engine``), the tool and the wrapper all sit at or above this layer.
"""
from .coreset import (CORESET_FORMAT, CORESET_VERSION, CoresetFileError, dataset_fingerprint,
                      keep_count, random_subset, read_coreset_file, select_highest,
                      write_coreset_file)
from .tdds import (TDDS_EPS, tdds_contribution, tdds_contributions, tdds_scores,
                   tdds_window_variability, tdds_window_weights)

__all__ = [
    'CORESET_FORMAT', 'CORESET_VERSION', 'CoresetFileError', 'dataset_fingerprint',
    'keep_count', 'random_subset', 'read_coreset_file', 'select_highest', 'TDDS_EPS',
    'tdds_contribution', 'tdds_contributions', 'tdds_scores', 'tdds_window_variability',
    'tdds_window_weights', 'write_coreset_file'
]
