"""CPU speed levers measured on this kind of machine (stack-notes.md).

glibc's default allocator returns large buffers to the OS after every forward
pass; a fresh EfficientNet-Lite0 process then takes ~84,000 page faults per
batch. ``MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000`` keeps them,
worth up to 2.5x CPU throughput. glibc reads these variables when the process
starts, so a tool that wants them re-executes itself once with them set.
"""
import os
import sys

TUNED_MALLOC_ENV = {
    'MALLOC_MMAP_MAX_': '0',
    'MALLOC_TRIM_THRESHOLD_': '100000000000',
}
OPT_OUT_VAR = 'RSZOO_DEFAULT_MALLOC'


def malloc_is_tuned(environ=None) -> bool:
    """Whether the tuned allocator settings are in ``environ``."""
    environ = os.environ if environ is None else environ
    return all(environ.get(k) == v for k, v in TUNED_MALLOC_ENV.items())


def reexec_with_tuned_malloc() -> None:
    """Restart the current script with the tuned allocator settings.

    Does nothing when they are already set, or when ``RSZOO_DEFAULT_MALLOC=1``
    asks for glibc's defaults (for A/B measurements). Call it first thing in
    a tool's ``main`` before heavy imports; ``sys.argv`` is kept.
    """
    if malloc_is_tuned() or os.environ.get(OPT_OUT_VAR) == '1':
        return
    env = dict(os.environ, **TUNED_MALLOC_ENV)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)
