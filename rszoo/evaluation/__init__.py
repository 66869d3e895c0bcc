"""rszoo's evaluation: metrics registered in ``rszoo.registry.METRICS``."""
from . import metrics  # noqa: F401
from . import functional  # noqa: F401
