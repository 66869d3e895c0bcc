"""rszoo metrics, registered in ``rszoo.registry.METRICS``."""
from .anomaly_auc import AnomalyAUC
from .coco_metric import CocoMetric
from .iou_metric import IoUMetric
from .land_cover_metric import land_cover_scores, LandCoverMetric
from .zsl_metric import ZSLMetric

__all__ = [
    'AnomalyAUC', 'CocoMetric', 'IoUMetric', 'land_cover_scores', 'LandCoverMetric',
    'ZSLMetric'
]
