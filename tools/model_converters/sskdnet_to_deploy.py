"""Export a trained SSKDNet as a plain ``ImageClassifier`` (backbone + fusion + head).

    python tools/model_converters/sskdnet_to_deploy.py IN.pth OUT.pth [--config CFG]
        [--out-config OUT.py] [--no-verify]

SSKDNet (Zhao et al., Remote Sensing 14(19):4813, 2022) trains a
self-supervised branch next to the classifier; at test time only backbone ->
fusion neck -> head run (``SSKDNet.predict``). This tool drops the
training-only modules (``branch.*``, ``mask_shuffle``, ``kd_loss``) from the
checkpoint and writes

- ``OUT.pth``: ``{'state_dict': ..., 'meta': {...}}`` that an
  ``ImageClassifier`` loads strictly (``torch.load(weights_only=True)`` works);
- ``OUT.py`` (or ``--out-config``): the same config with
  ``model.type='ImageClassifier'`` and the SSKDNet-only arguments removed, so
  ``tools/test.py OUT.py OUT.pth`` and ``tools/infer.py`` use the export
  directly. It gives the same logits as the SSKDNet's predict path.

The SSKDNet config is ``--config`` or, when omitted, the config text mmengine
stores in the checkpoint (``meta['cfg']``). Unless ``--no-verify``, the
exported weights are loaded strictly into the model built from ``OUT.py``
before anything is written.
"""
import argparse
import copy
import io
import os.path as osp
import sys
from typing import Optional


import torch
from mmengine.config import Config

from rszoo.fileio import atomic_write_bytes
from rszoo.utils import apply_stack_fixes

#: meta entries carried over from the input checkpoint (plain data only, so
#: the export loads with ``weights_only=True`` without allow-lists).
KEPT_META = ('dataset_meta', 'epoch', 'iter', 'seed', 'experiment_name', 'time')


class ConversionError(Exception):
    """The input is not an SSKDNet checkpoint/config; the message says why."""


def _load_config(checkpoint: dict, in_path: str, config: Optional[str]) -> Config:
    if config is not None:
        return Config.fromfile(config)
    text = (checkpoint.get('meta') or {}).get('cfg')
    if not text:
        raise ConversionError(f'{in_path}: no config text in meta["cfg"]; pass --config')
    return Config.fromstring(text, file_format='.py')


def deploy_config(cfg: Config) -> Config:
    """A copy of ``cfg`` whose model is the ImageClassifier of the test path."""
    from rszoo.models.classifiers.sskdnet import SSKDNet
    if 'model' not in cfg:
        raise ConversionError('the config has no `model`')
    out = copy.deepcopy(cfg)
    try:
        out.model = SSKDNet.deploy_model_cfg(cfg.model.to_dict())
    except ValueError as err:
        raise ConversionError(str(err)) from None
    for key in ('load_from', 'resume'):
        if key in out:
            out[key] = None if key == 'load_from' else False
    return out


def convert(in_path: str,
            out_path: str,
            config: Optional[str] = None,
            out_config: Optional[str] = None,
            verify: bool = True) -> str:
    """Write the deploy checkpoint and config; return the config's path."""
    from rszoo.models.classifiers.sskdnet import SSKDNet

    apply_stack_fixes()  # lets weights_only=True read mmengine's resume entries
    checkpoint = torch.load(in_path, map_location='cpu', weights_only=True)
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not any(k.startswith('backbone.') for k in state_dict):
        raise ConversionError(f'{in_path}: no backbone.* weights; not a classifier checkpoint')
    cfg = _load_config(checkpoint, in_path, config)
    out_cfg = deploy_config(cfg)
    deploy_weights = SSKDNet.deploy_state_dict(state_dict)
    dropped = len(state_dict) - len(deploy_weights)

    if verify:
        from rszoo.registry import MODELS
        from rszoo.utils import register_all_modules
        register_all_modules()
        model = MODELS.build(out_cfg.model)
        missing, unexpected = model.load_state_dict(deploy_weights, strict=False)
        if missing or unexpected:
            raise ConversionError(
                f'{in_path}: the exported weights do not fit the deploy model: missing '
                f'{list(missing)[:8]}, unexpected {list(unexpected)[:8]}')

    meta = {k: v for k, v in (checkpoint.get('meta') or {}).items() if k in KEPT_META}
    meta['converted_from'] = osp.basename(in_path)
    meta['converter'] = 'tools/model_converters/sskdnet_to_deploy.py'
    buffer = io.BytesIO()
    torch.save({'state_dict': deploy_weights, 'meta': meta}, buffer)
    atomic_write_bytes(buffer.getvalue(), out_path)

    if out_config is None:
        out_config = osp.splitext(out_path)[0] + '.py'
    out_cfg.dump(out_config)
    print(f'wrote {out_path} ({len(deploy_weights)} tensors, {dropped} training-only '
          f'tensors dropped) and {out_config}')
    return out_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Export an SSKDNet checkpoint as a plain ImageClassifier')
    parser.add_argument('input', help='SSKDNet checkpoint (IN.pth)')
    parser.add_argument('output', help='deploy checkpoint to write (OUT.pth)')
    parser.add_argument('--config', help="the SSKDNet config (default: the checkpoint's "
                        "meta['cfg'])")
    parser.add_argument('--out-config', help='deploy config to write (default: OUT.py)')
    parser.add_argument('--no-verify', action='store_true',
                        help='skip building the deploy model and loading the weights')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        convert(args.input, args.output, args.config, args.out_config,
                verify=not args.no_verify)
    except (ConversionError, FileNotFoundError) as err:
        print(f'sskdnet_to_deploy: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
