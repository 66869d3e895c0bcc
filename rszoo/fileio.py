"""rszoo's ground floor for paths and files: every layer may import it.

- :data:`REPO_ROOT` and :func:`resolve_path`: one rule for every user-given
  relative path (split files, class splits, attribute vocabularies, ...):
  as given against the working directory first, then against the repository
  root, so a config runs the same from the repository root and from elsewhere.
- :func:`data_root`: the folder of the real data sets, ``$RSZOO_DATA_ROOT`` or
  ``<repo>/../shared/data`` (the same default the configs spell
  ``'{{$RSZOO_DATA_ROOT:../shared/data}}'``).
- :func:`atomic_write_bytes` / :func:`atomic_save_npy` and
  :class:`AtomicLocalBackend`: a reader sees either the old file or the
  complete new one, never a partial one (temp file in the same folder, fsync,
  ``os.replace``, fsync of the folder). Files get the mode the user's umask
  gives, as ``open()`` would, not ``mkstemp``'s private 0600.

mmengine's ``LocalBackend.put`` opens the target and writes into it, so a
process killed mid-save leaves a truncated checkpoint that ``--resume`` may
trust; ``backend_args=dict(backend='atomic_local')`` (set for the checkpoint
hook in ``configs/_base_/default_runtime.py``) selects the atomic backend.
"""
import io
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Optional, Union

from mmengine.fileio import LocalBackend, register_backend

#: The repository root: the folder above the ``rszoo`` package.
REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

PathLike = Union[str, os.PathLike]


def resolve_path(path: PathLike) -> str:
    """Resolve a user-given path: as is if absolute, else against the
    current working directory first, then against the repository root.

    Returns the absolute path that exists, or, when neither exists, the path
    resolved against the working directory (for the error message).
    """
    path = osp.expanduser(os.fspath(path))
    if osp.isabs(path):
        return path
    from_cwd = osp.abspath(path)
    if osp.exists(from_cwd):
        return from_cwd
    from_repo = osp.normpath(osp.join(REPO_ROOT, path))
    if osp.exists(from_repo):
        return from_repo
    return from_cwd


def data_root(name: Optional[str] = None) -> str:
    """``$RSZOO_DATA_ROOT`` (default ``<repo>/../shared/data``), or its
    sub-folder ``name`` (``data_root('aid-150px')``)."""
    root = os.environ.get('RSZOO_DATA_ROOT') or osp.join(
        osp.dirname(REPO_ROOT), 'shared', 'data')
    root = resolve_path(root)
    return osp.join(root, name) if name else root


def _umask_mode() -> int:
    """The mode ``open()`` gives a new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def umask_file_mode() -> int:
    """The mode ``open()`` gives a new file under the current umask (for
    files made with ``mkstemp``, which are 0600)."""
    return _umask_mode()


def fsync_dir(folder: PathLike) -> None:
    """Flush a folder's entries (a rename in it) to disk; a no-op where the
    platform cannot open folders."""
    try:
        fd = os.open(os.fspath(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(data: bytes, filepath: PathLike) -> None:
    """Write ``data`` to ``filepath`` atomically (temp file + fsync + rename
    + fsync of the folder), with the mode the user's umask gives."""
    filepath = os.fspath(filepath)
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(
        dir=folder, prefix=f'.{osp.basename(filepath)}.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp_path, _umask_mode())
        os.replace(tmp_path, filepath)
    except BaseException:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
        raise
    fsync_dir(folder)


def atomic_save_npy(array, filepath: PathLike) -> None:
    """``np.save`` through :func:`atomic_write_bytes`."""
    import numpy as np
    buffer = io.BytesIO()
    np.save(buffer, array)
    atomic_write_bytes(buffer.getvalue(), filepath)


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
