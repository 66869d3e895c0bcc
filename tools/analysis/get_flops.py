"""FLOPs and parameters of a config's model, as mmpretrain's
``tools/analysis_tools/get_flops.py`` prints them.

    python tools/analysis/get_flops.py CONFIG [--shape 128 128] [--no-arch] [--no-table]

Counted with :func:`mmengine.analysis.get_model_complexity_info` (fvcore's
counter) on one ``3 x H x W`` image. Unlike mmpretrain's tool, which counts
only ``extract_feat`` (backbone + neck), the whole classifier is counted:
backbone, neck and head (``model(x, mode='tensor')``, the logits); the data
preprocessor's normalisation is not. One fused multiply-add counts as one
FLOP (fvcore's convention, the one behind mmpretrain's model-zoo tables and
the ``FLOPs`` field of ``model-index.yml``). Without ``--shape`` the input
size is the last ``Resize`` / crop size of the config's test pipeline.
"""
import argparse


import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import DictAction
from mmengine.registry import DefaultScope

from rszoo.utils.tool_setup import load_config

DEFAULT_SIZE = 224
# transforms whose argument fixes the output size, and that argument
_SIZE_KEYS = {'Resize': 'scale', 'RandomResizedCrop': 'scale', 'CenterCrop': 'crop_size',
              'RandomCrop': 'crop_size', 'ResizeEdge': None}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Count the FLOPs and parameters of a model')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--shape', type=int, nargs='+',
        help='input image size: H W, or one number for a square (default: the size '
        'the config\'s test pipeline produces)')
    parser.add_argument('--no-arch', action='store_true',
                        help='do not print the per-module architecture')
    parser.add_argument('--no-table', action='store_true',
                        help='do not print the per-module table')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    args = parser.parse_args(argv)
    if args.shape is not None and len(args.shape) not in (1, 2):
        parser.error(f'--shape takes H W or one size, got {args.shape}')
    return args


def _as_hw(size):
    """mmcv's ``scale`` is (w, h); an int is a square."""
    if isinstance(size, int):
        return size, size
    width, height = size
    return int(height), int(width)


def input_size_from_config(cfg, pipeline_key='test_dataloader'):
    """``(H, W)`` the config's pipeline produces, from its last size-setting
    transform; None when no transform fixes the size."""
    try:
        pipeline = cfg[pipeline_key]['dataset']['pipeline']
    except (KeyError, TypeError):
        return None
    size = None
    for transform in pipeline:
        kind = transform.get('type') if isinstance(transform, dict) else None
        kind = kind if isinstance(kind, str) else getattr(kind, '__name__', '')
        key = _SIZE_KEYS.get(kind.split('.')[-1], 'missing')
        if key not in (None, 'missing') and transform.get(key) is not None:
            size = _as_hw(transform[key])
        elif key is None:
            size = None  # an edge resize keeps the aspect ratio: size unknown
    return size


class _WholeClassifier(torch.nn.Module):
    """``forward(x) = model(x, mode='tensor')``: backbone, neck and head."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, inputs):
        return self.model(inputs, mode='tensor')


def build_model(cfg):
    from rszoo.registry import MODELS
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'rszoo')):
        model = MODELS.build(cfg.model)
    model.eval()
    return model


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    if args.shape is None:
        height, width = input_size_from_config(cfg) or (DEFAULT_SIZE, DEFAULT_SIZE)
    elif len(args.shape) == 1:
        height = width = args.shape[0]
    else:
        height, width = args.shape
    input_shape = (3, height, width)

    model = build_model(cfg)
    counted = model if not hasattr(model, 'extract_feat') else _WholeClassifier(model)
    with torch.no_grad():
        analysis = get_model_complexity_info(
            counted, input_shape, show_table=not args.no_table, show_arch=not args.no_arch)
    if not args.no_arch:
        print(analysis['out_arch'])
    if not args.no_table:
        print(analysis['out_table'])
    split_line = '=' * 30
    print(f'{split_line}\nInput shape: {input_shape}\n'
          f'Flops: {analysis["flops_str"]} ({analysis["flops"]:,})\n'
          f'Params: {analysis["params_str"]} ({analysis["params"]:,})\n'
          f'Activation: {analysis["activations_str"]}\n{split_line}')
    print('!!!The whole classifier (backbone, neck, head) is counted; one multiply-add '
          'is one FLOP.')
    print('!!!Please be cautious if you use the results in papers. You may need to '
          'check if all ops are supported and verify that the flops computation is '
          'correct.')
    return analysis


if __name__ == '__main__':
    main()
