"""rszoo utilities: module registration and stack fixes (files: :mod:`rszoo.fileio`)."""
from .compat import apply_stack_fixes, init_cpu_distributed
from .setup_env import register_all_modules

__all__ = [
    'apply_stack_fixes', 'init_cpu_distributed', 'register_all_modules'
]
