"""Turn a training checkpoint into a published one, as mmpretrain's ``publish_model.py`` does.

    python tools/model_converters/publish_model.py IN.pth OUT.pth [--fp16] [--no-ema]
        [--dataset-type TYPE] [--base-url URL]

- keeps only ``state_dict`` and plain ``meta`` (the optimizer, parameter
  schedulers, message hub and RNG states of a resumable checkpoint are
  dropped), so ``torch.load(weights_only=True)`` reads the file without
  allow-lists -- checked before anything is written;
- EMA weights, when the checkpoint has them, replace the raw ones (mmpretrain's
  default; ``--no-ema`` keeps the raw ones);
- ``--fp16`` stores floating-point tensors in half precision (half the
  size; :func:`rszoo.apis.get_model` loads them into the float32 model --
  check that the half-precision file still gives the reported figure);
- writes ``OUT-<sha256[:8]>.pth`` next to ``OUT.pth`` (the ``-<hash>.pth`` name
  that :mod:`rszoo.apis.download` and torch hub check; no date in the name,
  since a date is all hex digits), atomically;
- prints the lines of the model's metafile entry::

      Weights: <base-url>/<name>-<hash8>.pth
      Metadata:
        Weights SHA256: <64 hex digits>

``--base-url`` defaults to rszoo's release folder for the current version
(:data:`rszoo.apis.download.RELEASE_BASE_URL`). A file written into the
checkout's ``weights/`` folder (:data:`rszoo.apis.download.BUNDLED_WEIGHTS_DIR`)
is the bundled copy of the release that ``get_model(name, pretrained=True)``
finds offline.
"""
import argparse
import hashlib
import io
import os.path as osp
import sys
from collections import OrderedDict
from typing import Any, Dict, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import torch  # noqa: E402

from rszoo.apis.download import RELEASE_BASE_URL, sha256_file  # noqa: E402
from rszoo.fileio import atomic_write_bytes  # noqa: E402
from rszoo.utils import apply_stack_fixes  # noqa: E402

#: entries of a resumable mmengine checkpoint that a published one drops
TRAINING_ONLY_KEYS = ('optimizer', 'param_schedulers', 'message_hub', 'hook_msgs',
                      'rng_state', 'rng_states', 'amp_scaler', 'scaler')


class PublishError(Exception):
    """The input cannot be published; the message says why."""


def _plain(value: Any) -> bool:
    """Whether ``value`` is data ``torch.load(weights_only=True)`` reads as is."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and _plain(v) for k, v in value.items())
    return False


def _dataset_meta(dataset_type: str) -> Dict[str, Any]:
    from rszoo.registry import DATASETS
    from rszoo.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    dataset_class = DATASETS.get(dataset_type)
    if dataset_class is None:
        raise PublishError(f'--dataset-type {dataset_type!r} is not a registered dataset')
    return dict(getattr(dataset_class, 'METAINFO', {}) or {})


def published_checkpoint(checkpoint: Dict[str, Any],
                         fp16: bool = False,
                         no_ema: bool = False,
                         dataset_type: Optional[str] = None) -> Dict[str, Any]:
    """``{'state_dict', 'meta'}`` of a training checkpoint, ready to publish.

    Args:
        checkpoint (dict): what ``torch.load`` gave: an mmengine checkpoint or
            a bare state_dict.
        fp16 (bool): store floating-point tensors as ``torch.float16``.
        no_ema (bool): keep the raw weights even when EMA weights exist.
        dataset_type (str, optional): a registered dataset whose ``METAINFO``
            (the classes) fills ``meta['dataset_meta']`` when it is missing.
    """
    if 'state_dict' not in checkpoint:
        if not checkpoint or not all(torch.is_tensor(v) for v in checkpoint.values()):
            raise PublishError('the input has no "state_dict" and is not a state_dict itself '
                               f'(top-level keys: {list(checkpoint)[:10]})')
        checkpoint = {'state_dict': checkpoint}
    state_dict = OrderedDict(checkpoint['state_dict'])
    ema = checkpoint.get('ema_state_dict') or {}
    if ema and not no_ema:  # mmengine's EMA wrapper keeps "module.<key>" copies
        for key, value in ema.items():
            if key.startswith('module.') and key[len('module.'):] in state_dict:
                state_dict[key[len('module.'):]] = value
    if fp16:
        state_dict = OrderedDict(
            (k, v.half() if torch.is_floating_point(v) else v) for k, v in state_dict.items())
    state_dict = OrderedDict((k, v.contiguous()) for k, v in state_dict.items())

    meta = {k: v for k, v in (checkpoint.get('meta') or {}).items()
            if k not in TRAINING_ONLY_KEYS and _plain(v)}
    if dataset_type is not None and not meta.get('dataset_meta'):
        meta['dataset_meta'] = _dataset_meta(dataset_type)
    if not meta.get('dataset_meta'):
        print('publish_model: warning: no dataset_meta (class names) in the checkpoint; '
              'pass --dataset-type', file=sys.stderr)
    from rszoo.version import __version__
    meta['rszoo_version'] = __version__
    meta['published_dtype'] = 'float16' if fp16 else 'float32'
    return {'state_dict': state_dict, 'meta': meta}


def publish(in_path: str,
            out_path: str,
            fp16: bool = False,
            no_ema: bool = False,
            dataset_type: Optional[str] = None,
            base_url: Optional[str] = None) -> str:
    """Write ``OUT-<sha256[:8]>.pth``, print its metafile lines, return its path."""
    if not osp.isfile(in_path):
        raise PublishError(f'{in_path}: no such checkpoint')
    out_dir = osp.dirname(osp.abspath(out_path))
    if not osp.isdir(out_dir):
        raise PublishError(f'the output folder {out_dir} does not exist')
    apply_stack_fixes()  # lets weights_only=True read mmengine's resume entries
    checkpoint = torch.load(in_path, map_location='cpu', weights_only=True)
    if not isinstance(checkpoint, dict):
        raise PublishError(f'{in_path} holds a {type(checkpoint).__name__}, expected a dict')
    out = published_checkpoint(checkpoint, fp16=fp16, no_ema=no_ema,
                               dataset_type=dataset_type)
    buffer = io.BytesIO()
    torch.save(out, buffer)
    data = buffer.getvalue()
    # what get_model does with it: refuse anything but tensors and plain data
    torch.load(io.BytesIO(data), map_location='cpu', weights_only=True)

    sha256 = hashlib.sha256(data).hexdigest()
    stem = out_path[:-len('.pth')] if out_path.endswith('.pth') else out_path
    final = f'{stem}-{sha256[:8]}.pth'
    atomic_write_bytes(data, final)
    if sha256_file(final) != sha256:
        raise PublishError(f'{final}: the written file does not hash to {sha256}')

    base_url = (base_url or RELEASE_BASE_URL).rstrip('/')
    print(f'wrote {final} ({len(data) / 2**20:.1f} MiB, {len(out["state_dict"])} tensors, '
          f'{out["meta"]["published_dtype"]}); its metafile lines:')
    print(f'    Weights: {base_url}/{osp.basename(final)}')
    print('    Metadata:')
    print(f'      Weights SHA256: {sha256}')
    return final


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Process a checkpoint to be published')
    parser.add_argument('in_file', help='input checkpoint (a training checkpoint or state_dict)')
    parser.add_argument('out_file', help='output name; "-<sha256[:8]>" is added before .pth')
    parser.add_argument('--fp16', action='store_true',
                        help='store floating-point tensors in half precision')
    parser.add_argument('--no-ema', action='store_true',
                        help='keep the raw weights when the checkpoint has EMA ones')
    parser.add_argument('--dataset-type',
                        help='a registered dataset whose METAINFO fills a missing dataset_meta')
    parser.add_argument('--base-url', help=f'release folder URL (default {RELEASE_BASE_URL})')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        return publish(args.in_file, args.out_file, fp16=args.fp16, no_ema=args.no_ema,
                       dataset_type=args.dataset_type, base_url=args.base_url)
    except PublishError as error:
        sys.exit(f'publish_model: {error}')


if __name__ == '__main__':
    main()
