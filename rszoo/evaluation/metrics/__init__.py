"""rszoo metrics, registered in ``rszoo.registry.METRICS``."""
