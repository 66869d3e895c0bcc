"""rszoo metrics, registered in ``rszoo.registry.METRICS``."""
from .zsl_metric import ZSLMetric  # noqa: F401
