"""rszoo's engine parts (hooks, optimizer constructors); see ``rszoo.engine.hooks``."""
from . import hooks  # noqa: F401
