"""Download published checkpoints into a cache, verified by SHA-256.

A checkpoint URL (the ``Weights`` field of a model-index entry) is fetched with
:mod:`urllib.request`, streamed into a temporary file inside the cache folder
while its SHA-256 is computed, checked, and only then moved into place with
:func:`os.replace`. Whatever goes wrong (HTTP error, refused connection,
timeout, truncated body, wrong hash, Ctrl-C) the temporary file is removed, so
the cache never holds a partial file under a checkpoint's name.

Cache folder
    ``$RSZOO_HOME/checkpoints`` when ``RSZOO_HOME`` is set, else
    ``torch.hub.get_dir()/checkpoints`` (``$TORCH_HOME/hub/checkpoints``, by
    default ``~/.cache/torch/hub/checkpoints``, shared with torch hub and
    mmengine). The cached file keeps the base name of the original URL.

Integrity
    Two sources of the expected hash, both checked when present:

    * a full SHA-256 (64 hex digits) given by the caller; model-index entries
      give it as ``Metadata: {Weights SHA256: <64 hex>}`` next to ``Weights``;
    * the file-name convention of torch hub's ``check_hash`` and OpenMMLab's
      ``publish_model``: a name ending in ``-<hex>.pth`` (8 to 64 hex digits)
      carries the first digits of the file's SHA-256, e.g.
      ``resnet18_aid_20261125-bd6371c8.pth``. (So do not end a published file
      name with ``-<date>.pth``: a date is all hex digits.)

    With neither, the download is used unverified and a :class:`UserWarning`
    says so. A file already in the cache is hashed again before every use;
    a cached file that fails the check is **not** deleted or replaced:
    :class:`CheckpointHashError` names it and asks the user to delete it
    (it may be a file the user put there by hand on an offline machine).

Offline mirrors
    ``RSZOO_WEIGHTS_MIRROR=<base>`` replaces the scheme and host of every
    checkpoint URL by ``<base>`` and keeps the path and query, so a mirror
    must hold the files under the same paths as the original host (the layout
    ``wget -r -nH`` gives)::

        Weights:  https://github.com/org/rszoo/releases/download/v0.1/a-1234abcd.pth
        RSZOO_WEIGHTS_MIRROR=http://intranet:8000/rszoo
        fetched:  http://intranet:8000/rszoo/org/rszoo/releases/download/v0.1/a-1234abcd.pth

    ``<base>`` may also be a ``file://`` URL or a plain local folder
    (``/mnt/weights`` reads ``/mnt/weights/org/rszoo/releases/...``). The
    cached file name and the hash checks are those of the original URL.

Bundled release files
    The weights rszoo publishes (``Weights: <RELEASE_BASE_URL>/<name>-<hash8>.pth``
    in the metafiles) are also committed in the checkout's ``weights/``
    folder (:data:`BUNDLED_WEIGHTS_DIR`; a wheel carries it as
    ``rszoo/.mim/weights``). That folder is a built-in mirror, looked up by
    file name after the cache and before any mirror or network: the file is
    copied into the cache through the same temporary file, with the same
    SHA-256 checks, so ``get_model(name, pretrained=True)`` works offline
    from a fresh clone and a corrupted or edited bundled file is refused.
    A bundled file must be verifiable (a full SHA-256 or a ``-<hash>.pth``
    name); otherwise it is ignored.

Lookup order: the cache, the bundled folder, then the URL (rewritten by
``$RSZOO_WEIGHTS_MIRROR`` when set).
"""
import hashlib
import http.client
import os
import os.path as osp
import re
import socket
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from typing import List, Optional, Union

from tqdm import tqdm

from rszoo.fileio import REPO_ROOT
from rszoo.version import __version__

#: env var naming the rszoo home folder (the cache is ``$RSZOO_HOME/checkpoints``)
HOME_ENV = 'RSZOO_HOME'
#: env var naming a mirror base that replaces the scheme and host of weight URLs
MIRROR_ENV = 'RSZOO_WEIGHTS_MIRROR'

#: a file name carrying the first hex digits of its SHA-256: ``name-<hex>.pth``
HASH_IN_NAME_REGEX = re.compile(r'-([0-9a-f]{8,64})\.pth$')
_FULL_SHA256_REGEX = re.compile(r'^[0-9a-f]{64}$')
_CHUNK_BYTES = 1 << 20

#: where rszoo's release files are published (the metafiles' ``Weights`` URLs)
RELEASE_BASE_URL = f'https://github.com/rszoo/rszoo/releases/download/v{__version__}'
#: the checkout's folder of bundled release files (a built-in offline mirror)
BUNDLED_WEIGHTS_DIR = Path(REPO_ROOT) / 'weights'
#: the same folder inside an installed wheel (``setup.py`` copies it)
_MIM_WEIGHTS_DIR = Path(__file__).resolve().parents[1] / '.mim' / 'weights'


class CheckpointDownloadError(RuntimeError):
    """A checkpoint could not be downloaded (HTTP error, network, truncation)."""


class CheckpointHashError(CheckpointDownloadError):
    """A downloaded or cached checkpoint's SHA-256 is not the expected one."""


def get_cache_dir() -> Path:
    """The folder downloaded checkpoints are kept in (see the module doc)."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / 'checkpoints'
    import torch.hub
    return Path(torch.hub.get_dir()) / 'checkpoints'


def bundled_weights_dirs() -> List[Path]:
    """The existing folders of bundled release files, first found wins."""
    return [d for d in (_MIM_WEIGHTS_DIR, BUNDLED_WEIGHTS_DIR) if d.is_dir()]


def find_bundled(file_name: str) -> Optional[Path]:
    """The bundled release file called ``file_name``, or None."""
    for folder in bundled_weights_dirs():
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    return None


def apply_mirror(url: str, mirror: Optional[str] = None) -> str:
    """Rewrite ``url``'s scheme and host to ``mirror`` (default: the env var).

    Args:
        url (str): the published URL.
        mirror (str, optional): mirror base: an ``http(s)://`` or ``file://``
            URL, possibly with a path prefix, or a local folder. Defaults to
            ``$RSZOO_WEIGHTS_MIRROR``; with neither, ``url`` is returned as is.

    Returns:
        str: the URL to fetch.
    """
    if mirror is None:
        mirror = os.environ.get(MIRROR_ENV) or None
    if not mirror:
        return url
    if '://' not in mirror:  # a local folder
        mirror = Path(mirror).expanduser().resolve().as_uri()
    parts = urllib.parse.urlsplit(url)
    rewritten = mirror.rstrip('/') + '/' + parts.path.lstrip('/')
    if parts.query:
        rewritten += '?' + parts.query
    return rewritten


def file_name_from_url(url: str) -> str:
    """The base name of a URL's path (the name the checkpoint is cached as)."""
    name = osp.basename(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
    if not name:
        raise ValueError(f'The checkpoint URL {url!r} names no file '
                         '(its path ends with "/").')
    return name


def hash_prefix_from_name(file_name: str) -> Optional[str]:
    """The SHA-256 prefix a ``name-<hex>.pth`` file name carries, else None."""
    match = HASH_IN_NAME_REGEX.search(file_name)
    return match.group(1) if match else None


def sha256_file(path: Union[str, Path]) -> str:
    """The hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(_CHUNK_BYTES), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _normalise_sha256(expected_sha256: Optional[str]) -> Optional[str]:
    if expected_sha256 is None:
        return None
    value = str(expected_sha256).strip().lower()
    if not _FULL_SHA256_REGEX.match(value):
        raise ValueError(
            f'expected_sha256 must be 64 hex digits, got {expected_sha256!r}')
    return value


def _hash_problem(got: str, file_name: str,
                  expected_sha256: Optional[str]) -> Optional[str]:
    """Why ``got`` is not the expected hash, or None when it is."""
    if expected_sha256 is not None and got != expected_sha256:
        return f'expected SHA-256 {expected_sha256}, got {got}'
    prefix = hash_prefix_from_name(file_name)
    if prefix is not None and not got.startswith(prefix):
        return (f'the file name says its SHA-256 starts with {prefix} '
                f'("-<hash>.pth" convention), got {got}')
    return None


def download_checkpoint(url: str,
                        expected_sha256: Optional[str] = None,
                        cache_dir: Optional[Union[str, Path]] = None,
                        timeout: float = 60.0,
                        progress: Optional[bool] = None) -> str:
    """Download ``url`` into the cache (once) and return the local path.

    Args:
        url (str): the published checkpoint URL; ``$RSZOO_WEIGHTS_MIRROR``
            rewrites it (see the module doc).
        expected_sha256 (str, optional): the file's full SHA-256 (64 hex).
            The ``-<hex>.pth`` name convention is checked as well.
        cache_dir (str | Path, optional): defaults to :func:`get_cache_dir`.
        timeout (float): seconds a connect or read may block.
        progress (bool, optional): show a tqdm bar; default: when stderr is a
            terminal.

    Returns:
        str: the path of the verified checkpoint in the cache (looked up in
        the cache, then the bundled ``weights/`` folder, then at the URL).

    Raises:
        CheckpointDownloadError: HTTP error status, network failure or a body
            shorter than its ``Content-Length``.
        CheckpointHashError: the downloaded or cached file has another hash.
    """
    expected_sha256 = _normalise_sha256(expected_sha256)
    file_name = file_name_from_url(url)
    cache_dir = Path(cache_dir) if cache_dir is not None else get_cache_dir()
    target = cache_dir / file_name
    can_verify = expected_sha256 is not None or hash_prefix_from_name(
        file_name) is not None

    if target.is_file():
        if can_verify:
            problem = _hash_problem(sha256_file(target), file_name,
                                    expected_sha256)
            if problem is not None:
                raise CheckpointHashError(
                    f'The cached checkpoint {target} is corrupted or is not '
                    f'the file published at {url}: {problem}. Delete it '
                    'and run again to download it anew.')
        return str(target)

    bundled = find_bundled(file_name) if can_verify else None
    fetch_url = bundled.as_uri() if bundled is not None else apply_mirror(url)
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not can_verify:
        warnings.warn(
            f'No SHA-256 is known for {url} (no expected_sha256 / "Weights '
            'SHA256" and no "-<hash>.pth" file name); it is used unverified.')
    if progress is None:
        progress = sys.stderr.isatty()

    fd, tmp_path = tempfile.mkstemp(
        dir=cache_dir, prefix=f'.{file_name}.', suffix='.part')
    try:
        with os.fdopen(fd, 'wb') as tmp_file:
            got = _stream_to_file(fetch_url, tmp_file, timeout, progress)
        problem = _hash_problem(got, file_name, expected_sha256)
        if problem is not None:
            source = (f'The bundled release file {bundled}' if bundled is not None
                      else f'The checkpoint downloaded from {fetch_url}')
            raise CheckpointHashError(
                f'{source} is not the published file {url}: {problem}. '
                f'Nothing was written to the cache ({cache_dir}).')
        # mkstemp's 0600 -> the mode the user's umask gives (shared caches)
        from ..fileio import umask_file_mode
        os.chmod(tmp_path, umask_file_mode())
        os.replace(tmp_path, target)
    finally:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
    return str(target)


def _stream_to_file(url: str, out_file, timeout: float,
                    progress: bool) -> str:
    """Write ``url``'s body to ``out_file``; return its hex SHA-256."""
    request = urllib.request.Request(
        url, headers={'User-Agent': f'rszoo/{__version__}'})
    digest = hashlib.sha256()
    received = 0
    expected_bytes = None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get('Content-Length')
            if length is not None and length.strip().isdigit():
                expected_bytes = int(length)
            with tqdm(total=expected_bytes, unit='B', unit_scale=True,
                      unit_divisor=1024, desc=file_name_from_url(url),
                      disable=not progress) as bar:
                while True:
                    chunk = response.read(_CHUNK_BYTES)
                    if not chunk:
                        break
                    out_file.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as error:
        raise CheckpointDownloadError(
            f'Downloading {url} failed: HTTP {error.code} {error.reason}.'
            + _mirror_hint(network_failed=False)) from None
    except http.client.IncompleteRead as error:
        received += len(error.partial)
        raise CheckpointDownloadError(
            f'Downloading {url} failed: the connection closed after '
            f'{received} of {expected_bytes} bytes (truncated body).') from None
    except (urllib.error.URLError, socket.timeout, ConnectionError,
            http.client.HTTPException) as error:
        reason = getattr(error, 'reason', error)
        raise CheckpointDownloadError(
            f'Downloading {url} failed: {reason!s}.' + _mirror_hint()) from None
    if expected_bytes is not None and received != expected_bytes:
        raise CheckpointDownloadError(
            f'Downloading {url} failed: the server announced {expected_bytes} '
            f'bytes (Content-Length) but sent {received} (truncated body).')
    return digest.hexdigest()


def _mirror_hint(network_failed: bool = True) -> str:
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        return f' (the URL was rewritten by {MIRROR_ENV}={mirror})'
    if not network_failed:
        return ''
    return (f' Without internet access, put the files on a mirror and set '
            f'{MIRROR_ENV}, or copy them into {get_cache_dir()}.')
