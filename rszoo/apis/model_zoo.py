"""rszoo's model zoo: models by name from ``model-index.yml``.

The index follows the ``modelindex`` format that mmpretrain uses (parsed here
with PyYAML; the ``modelindex`` package reads the same files)::

    # model-index.yml (repo root)
    Import:
      - configs/baseline/metafile.yml

    # configs/baseline/metafile.yml
    Collections:
      - Name: ResNet
        Status: done                  # rszoo field: done | in progress | planned
        Paper:
          Title: Deep Residual Learning for Image Recognition
          URL: https://arxiv.org/abs/1512.03385
    Models:
      - Name: resnet18_aid
        In Collection: ResNet
        Config: configs/baseline/resnet18_aid.py  # relative to model-index.yml's folder
        Metadata:
          Training Data: AID
          Epochs: 30
          Batch Size: 64
          FLOPs: 1820000000
          Parameters: 11190000
          Weights SHA256: <64 hex digits>  # rszoo field, checked on download
        Results:
          - Task: Image Classification
            Dataset: AID
            Metrics:
              Top 1 Accuracy: 93.1
        Weights: https://.../resnet18_aid-1a2b3c4d.pth   # optional

``Weights`` is a key of the model entry itself (as in mmpretrain's
metafiles), never of its ``Metadata``; ``tools/model_converters/publish_model.py``
writes the file and prints both lines. ``Import`` paths are relative to the
file that imports them (globs allowed); ``Config`` paths are relative to the
folder holding ``model-index.yml``. An entry without ``Weights`` has no
published weights yet: it builds with ``pretrained=False`` and refuses
``pretrained=True``.

Where the index is looked for (stack breakage B7: mmpretrain only looks in
``<package>/.mim``, which PEP 660 editable installs do not have), first found
wins:

1. ``$RSZOO_MODEL_INDEX`` (a ``model-index.yml`` path, or a folder holding
   one); when set, it must exist;
2. ``<rszoo package>/.mim/model-index.yml`` (a regular install);
3. ``<folder above the rszoo package>/model-index.yml`` (a source checkout or
   an editable install).

Downloads, the cache, the bundled release files (``weights/``, found offline
from a fresh clone) and the mirrors are described in :mod:`rszoo.apis.download`.
"""
import copy
import difflib
import fnmatch
import glob
import os
import os.path as osp
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import torch
import yaml
from mmengine.config import Config

from .download import _FULL_SHA256_REGEX, download_checkpoint

#: env var with an explicit ``model-index.yml`` path (or a folder holding one)
MODEL_INDEX_ENV = 'RSZOO_MODEL_INDEX'
MODEL_INDEX_FILE = 'model-index.yml'
#: the ``Metadata`` key of a model entry holding its weights' full SHA-256
WEIGHTS_SHA256_KEY = 'Weights SHA256'
#: the collection key holding a method's status in the README table
STATUS_KEY = 'Status'
#: metric names read as the top-1 / overall accuracy, first present wins
ACCURACY_METRICS = ('Top 1 Accuracy', 'OA', 'Overall Accuracy', 'Accuracy')

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_URL_REGEX = re.compile(r'^(https?|file)://', re.IGNORECASE)
_MAX_LISTED = 5


class ModelIndexNotFoundError(FileNotFoundError):
    """No ``model-index.yml`` was found in any of the places searched."""


class ModelIndexError(ValueError):
    """A ``model-index.yml`` or metafile is malformed."""


class UnknownModelError(ValueError):
    """No model-index entry has the requested name."""


class NoPublishedWeightsError(ValueError):
    """``pretrained=True`` for an entry without a ``Weights`` URL."""


class CheckpointLoadError(RuntimeError):
    """A checkpoint file cannot be read with ``weights_only=True``."""


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's keys or shapes differ from the model's."""


@dataclass
class CollectionInfo:
    """One ``Collections`` entry: a method (paper) and its status."""
    name: str
    metafile: str
    status: Optional[str] = None
    paper_title: Optional[str] = None
    paper_url: Optional[str] = None
    readme: Optional[str] = None
    metadata: Dict[str, Any] = field(default_factory=dict)
    raw: Dict[str, Any] = field(default_factory=dict)


@dataclass
class ModelInfo:
    """One ``Models`` entry; ``config`` is an absolute path (or None)."""
    name: str
    metafile: str
    collection: Optional[str] = None
    config: Optional[str] = None
    weights: Optional[str] = None
    weights_sha256: Optional[str] = None
    metadata: Dict[str, Any] = field(default_factory=dict)
    results: List[Dict[str, Any]] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict)

    @property
    def top1(self) -> Optional[Tuple[str, float]]:
        """``(dataset, accuracy)`` of the first result with an accuracy."""
        for result in self.results:
            metrics = _get(result, 'Metrics') or {}
            for metric in ACCURACY_METRICS:
                value = _get(metrics, metric)
                if value is not None:
                    return _get(result, 'Dataset'), value
        return None


@dataclass
class ModelIndex:
    """A parsed model index: its path, collections and models by name."""
    path: Path
    collections: Dict[str, CollectionInfo]
    models: Dict[str, ModelInfo]

    @property
    def root(self) -> Path:
        """The folder ``Config`` paths are relative to."""
        return self.path.parent

    def get(self, name: str) -> ModelInfo:
        """The entry called ``name`` (case-insensitive), else a clear error."""
        by_lower = {key.lower(): info for key, info in self.models.items()}
        info = by_lower.get(str(name).lower())
        if info is not None:
            return info
        close = difflib.get_close_matches(
            str(name).lower(), list(by_lower), n=5, cutoff=0.5)
        hint = (f' Did you mean: {", ".join(by_lower[c].name for c in close)}?'
                if close else '')
        raise UnknownModelError(
            f'No model called {name!r} in {self.path}.{hint} '
            f'rszoo.list_models() lists all {len(self.models)} names.')


def _candidate_index_paths() -> List[Path]:
    return [
        _PACKAGE_DIR / '.mim' / MODEL_INDEX_FILE,
        _PACKAGE_DIR.parent / MODEL_INDEX_FILE,
    ]


def find_model_index(path: Optional[Union[str, Path]] = None) -> Path:
    """Locate ``model-index.yml`` (see the module doc for the search order).

    Args:
        path (str | Path, optional): an explicit index path (or a folder
            holding ``model-index.yml``); it is used instead of the search.

    Returns:
        Path: the absolute path of the index.
    """
    explicit, origin = path, 'the path given'
    if explicit is None and os.environ.get(MODEL_INDEX_ENV):
        explicit, origin = os.environ[MODEL_INDEX_ENV], f'${MODEL_INDEX_ENV}'
    if explicit is not None:
        candidate = Path(explicit).expanduser()
        if candidate.is_dir():
            candidate = candidate / MODEL_INDEX_FILE
        if not candidate.is_file():
            raise ModelIndexNotFoundError(
                f'The model index {candidate} given by {origin} does not exist.')
        return candidate.resolve()
    tried = _candidate_index_paths()
    for candidate in tried:
        if candidate.is_file():
            return candidate.resolve()
    raise ModelIndexNotFoundError(
        f'No {MODEL_INDEX_FILE} found. Looked at ${MODEL_INDEX_ENV} (not set), '
        + ', '.join(str(p) for p in tried)
        + f'. Set {MODEL_INDEX_ENV} to the model-index.yml of an rszoo checkout.')


def _get(mapping: Any, key: str, default: Any = None) -> Any:
    """``mapping[key]`` with modelindex's key matching (case, ``_`` for space)."""
    if not isinstance(mapping, dict):
        return default
    if key in mapping:
        return mapping[key]
    wanted = {key.lower(), key.lower().replace(' ', '_')}
    for existing, value in mapping.items():
        if str(existing).lower() in wanted:
            return value
    return default


def _read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding='utf-8') as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as error:
        raise ModelIndexError(f'{path} is not valid YAML: {error}') from None


def load_model_index(path: Optional[Union[str, Path]] = None) -> ModelIndex:
    """Read the model index and every metafile it imports.

    Args:
        path (str | Path, optional): the index; default :func:`find_model_index`.

    Returns:
        ModelIndex: collections and models by name, in file order.
    """
    index_path = find_model_index(path)
    root = index_path.parent
    collections: Dict[str, CollectionInfo] = {}
    models: Dict[str, ModelInfo] = {}
    seen_lower: Dict[str, ModelInfo] = {}
    visited = set()

    def visit(file_path: Path) -> None:
        if file_path in visited:
            return
        visited.add(file_path)
        data = _read_yaml(file_path)
        if data is None:
            return
        if not isinstance(data, dict):
            raise ModelIndexError(
                f'{file_path} must hold a mapping with Import / Collections / '
                f'Models, got a {type(data).__name__}.')
        for entry in _as_list(_get(data, 'Import'), file_path, 'Import'):
            pattern = str(Path(file_path.parent, entry))
            matches = sorted(glob.glob(pattern)) if glob.has_magic(entry) else [pattern]
            for match in matches:
                if not osp.isfile(match):
                    raise ModelIndexError(
                        f'{file_path} imports {entry!r}, but {match} does not exist.')
                visit(Path(match).resolve())
        for raw in _as_list(_get(data, 'Collections'), file_path, 'Collections'):
            info = _parse_collection(raw, file_path)
            if info.name in collections:
                raise ModelIndexError(
                    f'Collection {info.name!r} is defined twice: in '
                    f'{collections[info.name].metafile} and {file_path}.')
            collections[info.name] = info
        for raw in _as_list(_get(data, 'Models'), file_path, 'Models'):
            info = _parse_model(raw, file_path, root)
            previous = seen_lower.get(info.name.lower())
            if previous is not None:
                where = (f'in {file_path}' if previous.metafile == str(file_path)
                         else f'in {previous.metafile} and {file_path}')
                raise ModelIndexError(
                    f'Model name {info.name!r} is used twice {where} (names '
                    'are case-insensitive).')
            seen_lower[info.name.lower()] = info
            models[info.name] = info

    visit(index_path)
    for info in models.values():
        if info.collection is not None and info.collection not in collections:
            raise ModelIndexError(
                f'Model {info.name!r} in {info.metafile} is "In Collection: '
                f'{info.collection}", which no metafile defines (known: '
                f'{", ".join(collections) or "none"}).')
    return ModelIndex(path=index_path, collections=collections, models=models)


def _as_list(value: Any, file_path: Path, key: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise ModelIndexError(f'{key} in {file_path} must be a list, '
                              f'got {type(value).__name__}.')
    return value


def _parse_collection(raw: Any, file_path: Path) -> CollectionInfo:
    name = _get(raw, 'Name')
    if not name:
        raise ModelIndexError(
            f'A Collections entry in {file_path} has no Name: {raw!r}')
    paper = _get(raw, 'Paper')
    metadata = _get(raw, 'Metadata') or {}
    status = _get(raw, STATUS_KEY, _get(metadata, STATUS_KEY))
    return CollectionInfo(
        name=str(name),
        metafile=str(file_path),
        status=None if status is None else str(status),
        paper_title=_get(paper, 'Title') if isinstance(paper, dict) else None,
        paper_url=_get(paper, 'URL') if isinstance(paper, dict) else paper,
        readme=_get(raw, 'README'),
        metadata=dict(metadata) if isinstance(metadata, dict) else {},
        raw=dict(raw))


def _parse_model(raw: Any, file_path: Path, root: Path) -> ModelInfo:
    name = _get(raw, 'Name')
    if not name:
        raise ModelIndexError(f'A Models entry in {file_path} has no Name: {raw!r}')
    metadata = _get(raw, 'Metadata') or {}
    if not isinstance(metadata, dict):
        raise ModelIndexError(
            f'Metadata of model {name!r} in {file_path} must be a mapping.')
    sha256 = _get(metadata, WEIGHTS_SHA256_KEY)
    if sha256 is not None:
        sha256 = str(sha256).strip().lower()
        if not _FULL_SHA256_REGEX.match(sha256):
            raise ModelIndexError(
                f'"{WEIGHTS_SHA256_KEY}" of model {name!r} in {file_path} must '
                f'be 64 hex digits, got {sha256!r}.')
    config = _get(raw, 'Config')
    if config is not None and not _URL_REGEX.match(str(config)):
        config = str(Path(root, str(config)).resolve())
    results = _get(raw, 'Results') or []
    if isinstance(results, dict):
        results = [results]
    collection = _get(raw, 'In Collection')
    return ModelInfo(
        name=str(name),
        metafile=str(file_path),
        collection=None if collection is None else str(collection),
        config=config,
        weights=_get(raw, 'Weights') or None,
        weights_sha256=sha256,
        metadata=dict(metadata),
        results=list(results),
        raw=dict(raw))


def list_models(pattern: Optional[str] = None,
                model_index: Optional[Union[str, Path]] = None) -> List[str]:
    """Sorted names of the models in the index.

    Args:
        pattern (str, optional): a case-insensitive :mod:`fnmatch` pattern,
            e.g. ``'resnet*'`` or ``'*_aid'``; None lists all.
        model_index (str | Path, optional): an explicit index path.
    """
    names = sorted(load_model_index(model_index).models)
    if pattern is None:
        return names
    return [n for n in names if fnmatch.fnmatchcase(n.lower(), pattern.lower())]


def get_model_info(name: str,
                   model_index: Optional[Union[str, Path]] = None) -> ModelInfo:
    """The index entry called ``name`` (case-insensitive)."""
    return load_model_index(model_index).get(name)


def read_checkpoint(path: Union[str, Path]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Read a checkpoint file with ``weights_only=True``.

    Accepts a checkpoint dict (``state_dict`` and optional ``meta``, as
    mmengine saves) or a bare state_dict. A ``module.`` prefix on every key
    (a model saved inside DDP) is removed.

    Returns:
        tuple: ``(state_dict, meta)``.
    """
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as error:
        found = re.search(r'Unsupported global: GLOBAL (\S+)', str(error))
        culprit = f' ({found.group(1)})' if found else ''
        raise CheckpointLoadError(
            f'{path} holds objects that torch.load(weights_only=True) refuses'
            f'{culprit}. rszoo never unpickles arbitrary objects; a published '
            'checkpoint must hold only the state_dict and plain meta (strip '
            'the optimizer and message_hub).') from error
    except (RuntimeError, EOFError, OSError) as error:
        raise CheckpointLoadError(
            f'{path} is not a readable torch checkpoint: {error}') from error
    if not isinstance(checkpoint, dict):
        raise CheckpointLoadError(
            f'{path} holds a {type(checkpoint).__name__}, expected a dict '
            '(a state_dict, or a checkpoint with "state_dict").')
    if 'state_dict' in checkpoint:
        state_dict, meta = checkpoint['state_dict'], checkpoint.get('meta') or {}
    elif all(torch.is_tensor(v) for v in checkpoint.values()):
        state_dict, meta = checkpoint, {}
    else:
        raise CheckpointLoadError(
            f'{path} has no "state_dict" and is not a state_dict itself '
            f'(top-level keys: {", ".join(map(str, list(checkpoint)[:10]))}).')
    if state_dict and all(str(k).startswith('module.') for k in state_dict):
        state_dict = {k[len('module.'):]: v for k, v in state_dict.items()}
    return dict(state_dict), dict(meta) if isinstance(meta, dict) else {}


def _listed(items: List[str]) -> str:
    shown = ', '.join(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown += f', ... ({len(items) - _MAX_LISTED} more)'
    return shown


def load_state_dict_strict(model: torch.nn.Module,
                           state_dict: Dict[str, Any],
                           source: str,
                           model_name: Optional[str] = None) -> None:
    """Load ``state_dict`` into ``model``; any key/shape difference is an error.

    Raises:
        CheckpointMismatchError: naming the checkpoint, the model, the first
            missing and unexpected keys and the first shape mismatches.
    """
    own = model.state_dict()
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    shapes = [
        f'{k}: checkpoint {tuple(state_dict[k].shape)} vs model {tuple(v.shape)}'
        for k, v in own.items()
        if k in state_dict and torch.is_tensor(v) and torch.is_tensor(state_dict[k])
        and state_dict[k].shape != v.shape
    ]
    if missing or unexpected or shapes:
        problems = []
        if missing:
            problems.append(f'{len(missing)} missing key(s) (in the model, not '
                            f'in the checkpoint): {_listed(missing)}')
        if unexpected:
            problems.append(f'{len(unexpected)} unexpected key(s) (in the '
                            f'checkpoint, not in the model): {_listed(unexpected)}')
        if shapes:
            problems.append(f'{len(shapes)} shape mismatch(es): {_listed(shapes)}')
        who = f'model {model_name!r} ({type(model).__name__})' if model_name \
            else f'the {type(model).__name__} model'
        raise CheckpointMismatchError(
            f'The checkpoint {source} does not match {who}: '
            + '; '.join(problems) + '.')
    model.load_state_dict(state_dict, strict=True)


def dataset_meta_from(meta: Dict[str, Any], config: Config) -> Dict[str, Any]:
    """Classes etc. from the checkpoint meta, else the test dataset's METAINFO."""
    if isinstance(meta.get('dataset_meta'), dict):
        return dict(meta['dataset_meta'])
    if meta.get('CLASSES') is not None:  # mmcls 0.x checkpoints
        return {'classes': meta['CLASSES']}
    test_dataset = (config.get('test_dataloader') or {}).get('dataset') or {}
    dataset_type = test_dataset.get('type')
    if isinstance(dataset_type, str):
        from rszoo.registry import DATASETS
        dataset_class = DATASETS.get(dataset_type)
        return dict(getattr(dataset_class, 'METAINFO', {}) or {})
    return {}


def _resolve_pretrained(info: ModelInfo,
                        pretrained: Union[bool, str, os.PathLike, None]
                        ) -> Optional[str]:
    if pretrained is None or pretrained is False:
        return None
    if pretrained is True:
        if not info.weights:
            note = info.metadata.get('Weights')
            note = (f' (its Metadata says: "Weights: {note}"; a published file is '
                    'a top-level "Weights" key of the entry)' if note else '')
            raise NoPublishedWeightsError(
                f'No weights are published for {info.name!r} (its entry in '
                f'{info.metafile} has no "Weights"){note}. Use pretrained=False for '
                'a randomly initialised model, or pretrained="<file.pth>" to '
                'load your own checkpoint.')
        return download_checkpoint(info.weights, info.weights_sha256)
    if isinstance(pretrained, (str, os.PathLike)):
        location = os.fspath(pretrained)
        if _URL_REGEX.match(location):
            return download_checkpoint(location)
        local = osp.expanduser(location)
        if not osp.isfile(local):
            raise FileNotFoundError(
                f'pretrained={location!r} for model {info.name!r}: no such file.')
        return local
    raise TypeError('pretrained must be True, False, a checkpoint path or a '
                    f'URL, got {type(pretrained).__name__}')


def get_model(name: str,
              pretrained: Union[bool, str, os.PathLike] = False,
              device: Union[str, torch.device, None] = 'cpu',
              model_index: Optional[Union[str, Path]] = None,
              **kwargs) -> torch.nn.Module:
    """Build a model by its model-index name, optionally with weights.

    Args:
        name (str): the entry's ``Name`` (case-insensitive); an unknown name
            raises :class:`UnknownModelError` listing close matches.
        pretrained (bool | str | PathLike): False builds the model with its
            modules' default initialisation (``init_cfg`` is not applied, so
            nothing is downloaded); True downloads the entry's ``Weights``
            (verified, cached: :mod:`rszoo.apis.download`); a str/path loads
            that local file (an ``http(s)://``/``file://`` URL is downloaded).
        device (str | torch.device | None): where to move the model.
        model_index (str | Path, optional): an explicit index path.
        **kwargs: merged into the config's ``model`` dict, e.g.
            ``head=dict(num_classes=10)``.

    Returns:
        torch.nn.Module: the model in eval mode, with ``cfg`` (the
        :class:`mmengine.Config`), ``dataset_meta`` (classes, from the
        checkpoint's ``meta`` when present) and ``model_info``; also mmpretrain's
        ``_config``, ``_dataset_meta`` and ``_metainfo`` for its inferencers.
    """
    info = get_model_info(name, model_index)
    if not info.config:
        raise ModelIndexError(f'Model {info.name!r} in {info.metafile} has no Config.')
    if not osp.isfile(info.config):
        raise FileNotFoundError(
            f'The config {info.config} of model {info.name!r} (from '
            f'{info.metafile}) does not exist.')
    checkpoint_path = _resolve_pretrained(info, pretrained)

    config = Config.fromfile(info.config)
    if kwargs:
        config.merge_from_dict({'model': kwargs})
    model_cfg = copy.deepcopy(config.model)
    if 'data_preprocessor' not in model_cfg and config.get('data_preprocessor'):
        model_cfg['data_preprocessor'] = copy.deepcopy(config.data_preprocessor)

    from rszoo.utils import register_all_modules
    register_all_modules(init_default_scope=False)  # fill the registries, keep the scope
    from mmengine.registry import DefaultScope

    from rszoo.registry import MODELS
    with DefaultScope.overwrite_default_scope(config.get('default_scope', 'rszoo')):
        model = MODELS.build(model_cfg)

    meta: Dict[str, Any] = {}
    if checkpoint_path is not None:
        state_dict, meta = read_checkpoint(checkpoint_path)
        load_state_dict_strict(model, state_dict, checkpoint_path, info.name)
    dataset_meta = dataset_meta_from(meta, config)

    if device is not None:
        model.to(device)
    model.eval()
    model.cfg = config
    model.dataset_meta = dataset_meta
    model.model_info = info
    model._config = config
    model._dataset_meta = dataset_meta
    model._metainfo = info
    return model
