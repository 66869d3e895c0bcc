"""rszoo metrics, registered in ``rszoo.registry.METRICS``."""
from .zsl_metric import ZSLMetric  # noqa: F401
from .anomaly_auc import AnomalyAUC  # noqa: F401,E402
from .land_cover_metric import LandCoverMetric, land_cover_scores  # noqa: F401,E402
from .iou_metric import IoUMetric  # noqa: F401
from .coco_metric import CocoMetric  # noqa: F401,E402
