"""Keep only the backbone of a self-supervised checkpoint (SwiMDiff, MoCo, ...).

    python tools/model_converters/extract_backbone.py IN.pth OUT.pth [--prefix backbone.]
        [--strip-prefix]

A pre-training checkpoint of ``SwiMDiff`` (``rszoo.models.selfsup``) or
mmpretrain's ``MoCo`` holds the query backbone (``backbone.*``), the projection
neck, the momentum key encoder (``encoder_k.*``), the queue and, for SwiMDiff,
the denoiser (``diffusion_head.*``); downstream only the backbone is used. This
tool writes ``{'state_dict': {backbone.* tensors}, 'meta': {...}}`` (plain
tensors: ``torch.load(weights_only=True)`` reads it), about a third of the
input's size. The output loads like the full checkpoint through
``init_cfg=dict(type='Pretrained', checkpoint=OUT.pth, prefix='backbone.')``
(``configs/swimdiff/linear-probe_*.py``); with ``--strip-prefix`` the keys are
the backbone's own (``conv1.weight``, ...), for ``backbone.load_state_dict``.
"""
import argparse
import io
import os.path as osp
import sys


import torch

from rszoo.fileio import atomic_write_bytes
from rszoo.utils import apply_stack_fixes

KEPT_META = ('epoch', 'iter', 'seed', 'experiment_name', 'time')


def extract_backbone(state_dict: dict, prefix: str = 'backbone.',
                     strip_prefix: bool = False) -> dict:
    """The entries of ``state_dict`` whose key starts with ``prefix``."""
    out = {(k[len(prefix):] if strip_prefix else k): v
           for k, v in state_dict.items() if k.startswith(prefix)}
    if not out:
        heads = sorted({k.split('.', 1)[0] for k in state_dict})
        raise KeyError(f'extract_backbone: no key starts with {prefix!r}; top-level names: '
                       f'{heads[:10]}')
    return out


def convert(in_path: str, out_path: str, prefix: str = 'backbone.',
            strip_prefix: bool = False) -> int:
    """Write the backbone-only checkpoint; return the number of tensors kept."""
    apply_stack_fixes()  # lets weights_only=True read mmengine's resume entries
    checkpoint = torch.load(in_path, map_location='cpu', weights_only=True)
    state_dict = checkpoint.get('state_dict', checkpoint)
    weights = extract_backbone(state_dict, prefix, strip_prefix)
    meta = {k: v for k, v in (checkpoint.get('meta') or {}).items() if k in KEPT_META}
    meta.update(converted_from=osp.basename(in_path),
                converter='tools/model_converters/extract_backbone.py', prefix=prefix,
                strip_prefix=strip_prefix)
    buffer = io.BytesIO()
    torch.save({'state_dict': weights, 'meta': meta}, buffer)
    atomic_write_bytes(buffer.getvalue(), out_path)
    print(f'wrote {out_path}: {len(weights)} of {len(state_dict)} tensors ({prefix}*)')
    return len(weights)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Keep only the backbone of a checkpoint')
    parser.add_argument('input', help='pre-training checkpoint (IN.pth)')
    parser.add_argument('output', help='backbone checkpoint to write (OUT.pth)')
    parser.add_argument('--prefix', default='backbone.', help='keys to keep (default backbone.)')
    parser.add_argument('--strip-prefix', action='store_true',
                        help="write the backbone's own keys (without the prefix)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        convert(args.input, args.output, args.prefix, args.strip_prefix)
    except (KeyError, FileNotFoundError) as err:
        print(f'extract_backbone: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
