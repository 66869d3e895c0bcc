"""Atomic file writes for checkpoints.

mmengine's ``LocalBackend.put`` opens the target file and writes into it, so a
process killed mid-save leaves a truncated ``epoch_N.pth`` that ``--resume``
may trust. :class:`AtomicLocalBackend` writes to a temporary file in the same
folder, ``fsync``s it and ``os.replace``s it over the target, so a reader sees
either the old file or the complete new one, never a partial one.

Use it through ``backend_args=dict(backend='atomic_local')`` (set for the
checkpoint hook in ``configs/_base_/default_runtime.py``); ``last_checkpoint``
is written the same way.
"""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


def atomic_write_bytes(data: bytes, filepath: Union[str, Path]) -> None:
    """Write ``data`` to ``filepath`` atomically (temp file + fsync + rename)."""
    filepath = str(filepath)
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(
        dir=folder, prefix=f'.{osp.basename(filepath)}.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, filepath)
    except BaseException:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
        raise


@register_backend('atomic_local', force=True)
class AtomicLocalBackend(LocalBackend):
    """mmengine's local file backend with atomic ``put`` and ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        atomic_write_bytes(obj, filepath)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        atomic_write_bytes(obj.encode(encoding), filepath)
