"""rszoo's engine parts: hooks (``rszoo.engine.hooks``) and DDP communication hooks
with their model wrapper (``rszoo.engine.comm_hooks``)."""
from . import comm_hooks  # noqa: F401
from . import hooks  # noqa: F401
