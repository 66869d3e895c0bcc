"""rszoo utilities: module registration, stack fixes, atomic writes."""
from .atomic_io import AtomicLocalBackend, atomic_write_bytes
from .compat import apply_stack_fixes, init_cpu_distributed
from .setup_env import register_all_modules

__all__ = [
    'AtomicLocalBackend', 'atomic_write_bytes', 'apply_stack_fixes',
    'init_cpu_distributed', 'register_all_modules'
]
