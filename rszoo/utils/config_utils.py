"""Config helpers shared by ``tools/train.py``, ``tools/test.py`` and the benchmarks."""
import difflib
import os.path as osp
from typing import Iterable, Optional

from mmengine.config import Config, ConfigDict


def _flat_keys(node, prefix: str = '') -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            name = f'{prefix}.{key}' if prefix else str(key)
            yield name
            yield from _flat_keys(value, name)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            name = f'{prefix}.{i}'
            yield name
            yield from _flat_keys(value, name)


def check_cfg_options(cfg: Config, options: Optional[dict]) -> None:
    """Refuse ``--cfg-options`` keys that the config does not have.

    mmengine merges any key, so a typo (``train_cfg.max_epoch=2``) would be
    silently added and ignored. A key must already exist in the config; a key
    that is meant to be new is written with a leading ``+``
    (``+model.backbone.drop_path_rate=0.1``).

    Raises:
        KeyError: naming the unknown key and the closest existing keys.
    """
    if not options:
        return
    known = set(_flat_keys(cfg.to_dict()))
    for key in options:
        if key.startswith('+'):
            continue
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=3, cutoff=0.6)
            hint = f'; did you mean {close}?' if close else ''
            raise KeyError(
                f'--cfg-options: unknown config key "{key}" in {cfg.filename}{hint} '
                f'(prefix a key with "+" to add a new one on purpose)')


def merge_cfg_options(cfg: Config, options: Optional[dict]) -> Config:
    """Check (:func:`check_cfg_options`) and merge ``--cfg-options`` into ``cfg``."""
    if not options:
        return cfg
    check_cfg_options(cfg, options)
    cfg.merge_from_dict({k.lstrip('+'): v for k, v in options.items()})
    return cfg


def default_work_dir(config_path: str) -> str:
    """``./work_dirs/<config name>``, mmpretrain's default."""
    return osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


def apply_dataloader_defaults(cfg: Config, no_persistent_workers: bool = False) -> None:
    """mmpretrain's dataloader defaults (default_collate), for each dataloader."""
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(field)
        if loader is None:
            continue
        merged = ConfigDict(collate_fn=dict(type='default_collate'))
        merged.update(loader)
        if no_persistent_workers or merged.get('num_workers', 0) == 0:
            merged['persistent_workers'] = False
        cfg[field] = merged
