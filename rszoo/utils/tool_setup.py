"""The preamble every script under ``tools/`` shares.

A tool that runs models calls :func:`prepare_tool` first thing (before its heavy
imports where it can): the process restarts itself once with glibc's allocator
tuned (:func:`rszoo.utils.cpu_tuning.reexec_with_tuned_malloc`, up to 2.5x CPU
throughput; ``RSZOO_DEFAULT_MALLOC=1`` opts out). :func:`load_config` then
registers rszoo's and mmpretrain's modules, reads the config and merges
``--cfg-options`` with the typo check of
:func:`rszoo.utils.config_utils.merge_cfg_options`.

The package is installed (``pip install -e .``), so no tool edits ``sys.path``;
``tools/dist_train.sh`` and ``tools/dist_test.sh`` only launch the tools, which
tune their own allocator.
"""
from typing import Optional

from .cpu_tuning import reexec_with_tuned_malloc


def prepare_tool(tune_malloc: bool = True) -> None:
    """Restart with the tuned allocator (once) if ``tune_malloc``."""
    if tune_malloc:
        reexec_with_tuned_malloc()


def load_config(path: str, cfg_options: Optional[dict] = None):
    """``register_all_modules()``, ``Config.fromfile(path)`` and the checked
    merge of ``cfg_options`` (``--cfg-options``); returns the config."""
    from mmengine.config import Config

    from .config_utils import merge_cfg_options
    from .setup_env import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(path)
    merge_cfg_options(cfg, cfg_options)
    return cfg
