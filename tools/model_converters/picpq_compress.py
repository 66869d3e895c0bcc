"""PIC-PQ on a trained rszoo model: FP -> evolution -> prune -> bits -> plan.

    python tools/model_converters/picpq_compress.py CONFIG CHECKPOINT [--out-dir DIR]
        [--flops-target 0.45] [--bmax 32 8 6 4 4] [--lambda 0.1667]
        [--importance {rank,l1}] [--safeguard 0.1] [--fp-batches 24]
        [--no-evolution | --population 64 --tournament 16 --iterations 400
         --mutation-rate 0.1 --tau-hat 200 --ft-lr 0.01 --heldout-ratio 0.1]
        [--ab AB.json] [--seed 0] [--device cpu] [--cfg-options k=v ...]
    python tools/model_converters/picpq_compress.py CONFIG CHECKPOINT --export [--out-dir DIR]

PIC-PQ: Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint
Learning", arXiv:2312.00851 (components in ``rszoo/models/compression/``).

**Compress** (default). ``CONFIG`` is any rszoo classifier config (its ``model``
is the dense architecture) or a ``configs/picpq/`` config (``model.type ==
'CompressedModel'``: the dense architecture is ``model.model``). ``CHECKPOINT``
holds the trained dense weights. The settings are the config's ``compression``
dict, when it has one, overridden by the flags; the defaults are the authors'
(ResNet-56 / CIFAR-10: 55 % of the FLOPs away, safeguard 0.1, 6 x 128 images for
FP, evolution 64 / 16 / 400 / 10 %, tau_hat 200 steps at lr 0.01, 10 % hold-out,
lambda 1/6). The data are the config's training set: FP on ``--fp-batches``
batches of it (its augmentation kept, as the authors'); the fitness fine-tunes on
all but a seeded ``--heldout-ratio`` of it and measures the cross-entropy on that
hold-out through the test pipeline. Writes into ``--out-dir`` (default
``compression.out_dir``, else ``work_dirs/<config stem>/compress``):

- ``pruned.pth``: the pruned model's weights before fine-tuning (the dense
  model's state-dict keys, plain tensors);
- ``plan.json``: kept channels per group, bits per conv, (a, b), FP, the FLOPs
  and BOPs measured on the built pruned model (``CompressedModel`` reads it);
- ``evolution.json``: every evaluated candidate (when there was a search);
- ``compressed_config.py``: CONFIG + ``CompressedModel`` + ``load_from`` +
  ``FakeQuantHook``, the fragment that fine-tunes any config's model compressed.

``--importance l1 --no-evolution --bmax 8 --lambda 0`` is the magnitude-pruning
+ uniform 8-bit baseline through the same code.

**Export** (``--export``). ``CONFIG`` is the fine-tuning config (a
``CompressedModel``), ``CHECKPOINT`` its trained checkpoint. The quantizers are
set as the checkpoint's ``meta['fake_quant']`` says (else all on), FLOPs and BOPs
are counted on the built model, and ``--out-dir`` (default: the checkpoint's
folder) gets ``<stem>_export.pth`` (the weights, the integer weight codes of
every quantized conv, the quantizer state and the counts in ``meta``) and
``<stem>_bops.json`` (per-layer MACs, bits and BOPs), and ``<stem>_complexity.json``
(the totals as flat numbers, for ``tools/test.py --extra-metrics``: the test record of the
model then carries its FLOPs and BOPs).
"""
import argparse
import copy
import io
import json
import math
import os
import os.path as osp
import pprint
import sys
import time

import numpy as np
import torch

from rszoo.fileio import atomic_write_bytes
from rszoo.utils.tool_setup import load_config

#: the authors' settings (resnet_main.py / generate_rank.py), with rszoo's FP
#: batch count (24 x 32 = the authors' 6 x 128 images) and ResNet-18 Bmax
DEFAULTS = dict(
    importance=dict(type='FeatureMapRank', num_batches=24),
    pruner=dict(flops_target=0.45, safeguard=0.1, min_channels=2),
    evolution=dict(population=64, tournament=16, iterations=400, mutation_rate=0.1),
    fitness=dict(steps=200, lr=0.01, momentum=0.9, weight_decay=5e-4),
    bits=dict(bmax=[32, 8, 6, 4, 4], lam=1 / 6, min_bits=2),
    heldout_ratio=0.1,
    input_shape=None,
    seed=0,
    method='PIC-PQ',
    out_dir=None,
)
_SIZE_KEYS = {'Resize': 'scale', 'RandomResizedCrop': 'scale', 'CenterCrop': 'crop_size',
              'RandomCrop': 'crop_size'}


class CompressError(Exception):
    """A setting or input is wrong; the message says which and what was expected."""


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description='PIC-PQ: prune + assign bits (or export)')
    parser.add_argument('config', help='rszoo config (dense model, or a configs/picpq config)')
    parser.add_argument('checkpoint', help='trained dense checkpoint (or, with --export, the '
                        'fine-tuned compressed checkpoint)')
    parser.add_argument('--out-dir', help='output folder')
    parser.add_argument('--export', action='store_true',
                        help='export a fine-tuned compressed checkpoint with its BOPs')
    parser.add_argument('--flops-target', type=float,
                        help='kept fraction of the dense FLOPs (0.45 = 55%% pruned away)')
    parser.add_argument('--bmax', type=int, nargs='+',
                        help='max bits: one value, one per conv, or stem + one per stage')
    parser.add_argument('--lambda', dest='lam', type=float, help='penalty factor (1/6)')
    parser.add_argument('--importance', choices=['rank', 'l1'],
                        help='filter property: feature-map rank (PIC-PQ) or weight L1 norm')
    parser.add_argument('--safeguard', type=float, help='per-layer safeguard (0.1)')
    parser.add_argument('--fp-batches', type=int, help='training batches for the FP')
    parser.add_argument('--no-evolution', action='store_true',
                        help='no search: (a, b) = (1, 0), or --ab')
    parser.add_argument('--population', type=int)
    parser.add_argument('--tournament', type=int)
    parser.add_argument('--iterations', type=int, help='evaluations in all (400)')
    parser.add_argument('--mutation-rate', type=float)
    parser.add_argument('--tau-hat', type=int, help='fine-tune steps of the fitness (200)')
    parser.add_argument('--ft-lr', type=float, help='lr of the fitness fine-tune (0.01)')
    parser.add_argument('--heldout-ratio', type=float, help='hold-out share (0.1)')
    parser.add_argument('--ab', help='JSON file with the L x 2 (a, b) to use (no search)')
    parser.add_argument('--seed', type=int)
    parser.add_argument('--device', default='cpu', help='cpu or cuda[:i]')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    return parser.parse_args(argv)


# ------------------------------------------------------------------ settings
def settings_from(cfg, args) -> dict:
    """DEFAULTS < cfg.compression < flags."""
    settings = copy.deepcopy(DEFAULTS)
    given = cfg.get('compression')
    if given is not None:
        given = given.to_dict() if hasattr(given, 'to_dict') else dict(given)
        unknown = set(given) - set(DEFAULTS)
        if unknown:
            raise CompressError(f'compression: unknown keys {sorted(unknown)}; expected some '
                                f'of {sorted(DEFAULTS)}')
        for key, value in given.items():
            if key == 'importance' and isinstance(value, dict) and 'type' in value:
                settings[key] = dict(value)  # another FP replaces the default one
            elif isinstance(value, dict) and isinstance(settings.get(key), dict):
                settings[key].update(value)
            else:
                settings[key] = value
    flags = {
        ('pruner', 'flops_target'): args.flops_target, ('pruner', 'safeguard'): args.safeguard,
        ('bits', 'lam'): args.lam, ('fitness', 'steps'): args.tau_hat,
        ('fitness', 'lr'): args.ft_lr, ('importance', 'num_batches'): args.fp_batches,
    }
    for (section, key), value in flags.items():
        if value is not None:
            settings[section][key] = value
    if args.bmax is not None:
        settings['bits']['bmax'] = args.bmax[0] if len(args.bmax) == 1 else list(args.bmax)
    if args.importance is not None:
        num_batches = settings['importance'].get('num_batches', 24)
        settings['importance'] = (dict(type='FeatureMapRank', num_batches=num_batches)
                                  if args.importance == 'rank' else dict(type='L1FilterNorm'))
    if args.no_evolution or args.ab:
        settings['evolution'] = None
    else:
        for key, value in (('population', args.population), ('tournament', args.tournament),
                           ('iterations', args.iterations),
                           ('mutation_rate', args.mutation_rate)):
            if value is not None:
                if settings['evolution'] is None:
                    raise CompressError(f'--{key.replace("_", "-")}: the config has '
                                        'compression.evolution=None (no search)')
                settings['evolution'][key] = value
    for key, value in (('heldout_ratio', args.heldout_ratio), ('seed', args.seed)):
        if value is not None:
            settings[key] = value
    if not 0 < float(settings['heldout_ratio']) < 1:
        raise CompressError(f'heldout_ratio: expected a share in (0, 1), got '
                            f'{settings["heldout_ratio"]}')
    return settings


def dense_model_cfg(cfg) -> dict:
    model = cfg.model.to_dict() if hasattr(cfg.model, 'to_dict') else dict(cfg.model)
    if model.get('type') == 'CompressedModel':
        model = model['model']
    return model


def input_shape_from(cfg, settings) -> tuple:
    """``(3, H, W)``: ``compression.input_shape`` or the test pipeline's size."""
    if settings.get('input_shape'):
        shape = tuple(int(v) for v in settings['input_shape'])
        if len(shape) != 3:
            raise CompressError(f'compression.input_shape: expected (C, H, W), got {shape}')
        return shape
    size = None
    for key in ('test_dataloader', 'val_dataloader'):
        try:
            pipeline = cfg[key]['dataset']['pipeline']
        except (KeyError, TypeError):
            continue
        for transform in pipeline:
            kind = str(transform.get('type', '')).split('.')[-1]
            if kind in _SIZE_KEYS and transform.get(_SIZE_KEYS[kind]) is not None:
                value = transform[_SIZE_KEYS[kind]]
                size = (value, value) if isinstance(value, int) else (value[1], value[0])
        if size:
            break
    if not size:
        raise CompressError('no input size: set compression.input_shape=(3, H, W) (the test '
                            'pipeline has no Resize / crop size)')
    return (3, int(size[0]), int(size[1]))


# ------------------------------------------------------------------ model + data
def load_weights(path: str) -> dict:
    from rszoo.utils import apply_stack_fixes
    apply_stack_fixes()
    if not osp.isfile(path):
        raise CompressError(f'checkpoint {path} not found')
    checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    if not isinstance(checkpoint, dict):
        raise CompressError(f'{path}: expected a checkpoint dict, got {type(checkpoint)}')
    return checkpoint


def build_model(model_cfg: dict, state_dict=None, device='cpu'):
    from rszoo.registry import MODELS
    model = MODELS.build(copy.deepcopy(model_cfg))
    if state_dict is not None:
        state_dict = {k[len('module.'):] if k.startswith('module.') else k: v
                      for k, v in state_dict.items()}
        missing, unexpected = model.load_state_dict(state_dict, strict=False)
        if missing or unexpected:
            raise CompressError(f'the checkpoint does not fit the config\'s model: missing '
                                f'{missing[:5]}, unexpected {unexpected[:5]}')
    return model.to(device).eval()


def build_loaders(cfg, settings):
    """(fp loader, fitness-train loader, hold-out loader) over the config's
    training set (hold-out through the test pipeline)."""
    from mmengine.dataset import default_collate
    from torch.utils.data import DataLoader, Subset

    from rszoo.registry import DATASETS
    train_cfg = cfg.train_dataloader
    batch_size = int(train_cfg.batch_size)
    dataset_cfg = train_cfg.dataset.to_dict()
    train_set = DATASETS.build(copy.deepcopy(dataset_cfg))
    test_loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    if test_loader is None:
        raise CompressError('the config has no test_dataloader / val_dataloader: its pipeline '
                            'is the hold-out\'s')
    test_loader = test_loader.to_dict() if hasattr(test_loader, 'to_dict') else test_loader
    heldout_cfg = dict(copy.deepcopy(dataset_cfg),
                       pipeline=copy.deepcopy(test_loader['dataset']['pipeline']))
    heldout_set = DATASETS.build(heldout_cfg)
    n = len(train_set)
    n_hold = max(1, int(math.floor(float(settings['heldout_ratio']) * n)))
    if n_hold >= n:
        raise CompressError(f'the training set has {n} images: too few for a hold-out of '
                            f'{settings["heldout_ratio"]}')
    order = np.random.default_rng(settings['seed']).permutation(n)
    hold, rest = sorted(order[:n_hold].tolist()), sorted(order[n_hold:].tolist())

    def loader(dataset, shuffle, generator=None):
        return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, num_workers=0,
                          collate_fn=default_collate, generator=generator)

    # the fitness loader draws from the global generators, which PICPQCompressor resets
    # before every candidate: all candidates fine-tune on the same batches
    fp_generator = torch.Generator().manual_seed(int(settings['seed']))
    return (loader(train_set, True, fp_generator), loader(Subset(train_set, rest), True),
            loader(Subset(heldout_set, hold), False), dict(train=len(rest), heldout=n_hold))


# ------------------------------------------------------------------ outputs
def _save_torch(obj, path):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    atomic_write_bytes(buffer.getvalue(), path)


def _plain_meta(meta: dict) -> dict:
    return {k: v for k, v in (meta or {}).items()
            if k in ('dataset_meta', 'epoch', 'iter', 'seed', 'experiment_name')}


def config_fragment(config_path: str, model_cfg: dict, out_dir: str, max_epochs) -> str:
    """The text of ``compressed_config.py``."""
    third = max(int(max_epochs or 3) // 3, 1)
    return (
        f'# Written by tools/model_converters/picpq_compress.py: {osp.basename(config_path)}\n'
        '# with its model pruned and quantized (PIC-PQ, arXiv:2312.00851). Fine-tune with\n'
        '# tools/train.py; activations are quantized from epoch E/3, weights from 2E/3.\n'
        f'_base_ = [{osp.abspath(config_path)!r}]\n'
        f'model = dict(\n    _delete_=True,\n    type=\'CompressedModel\',\n'
        f'    plan={osp.join(out_dir, "plan.json")!r},\n'
        f'    model={pprint.pformat(model_cfg, indent=4, width=88, sort_dicts=False)})\n'
        f'load_from = {osp.join(out_dir, "pruned.pth")!r}\n'
        f'custom_hooks = [dict(type=\'FakeQuantHook\', activations_from_epoch={third}, '
        f'weights_from_epoch={2 * third})]\n')


def compress(cfg, args) -> dict:
    from rszoo.models.compression import PICPQCompressor, save_plan
    settings = settings_from(cfg, args)
    input_shape = input_shape_from(cfg, settings)
    out_dir = args.out_dir or settings['out_dir'] or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0], 'compress')
    model_cfg = dense_model_cfg(cfg)
    checkpoint = load_weights(args.checkpoint)
    dense = build_model(model_cfg, checkpoint.get('state_dict', checkpoint), args.device)
    fp_loader, train_loader, heldout_loader, sizes = build_loaders(cfg, settings)
    ab = None
    if args.ab:
        with open(args.ab) as f:
            ab = json.load(f)
        ab = ab.get('ab', ab) if isinstance(ab, dict) else ab
    compressor = PICPQCompressor(
        importance=settings['importance'], pruner=settings['pruner'],
        evolution=settings['evolution'], fitness=settings['fitness'], bits=settings['bits'],
        input_shape=input_shape, seed=int(settings['seed']), method=settings['method'])
    start = time.perf_counter()
    result = compressor.compress(dense, fp_loader, train_loader, heldout_loader, ab=ab,
                                 log=lambda msg: print(msg, flush=True))
    plan = result.plan
    plan.update(source=dict(config=args.config, checkpoint=args.checkpoint,
                            images=sizes, seconds=round(time.perf_counter() - start, 1)),
                settings=dict(plan['settings'], heldout_ratio=settings['heldout_ratio']))
    os.makedirs(out_dir, exist_ok=True)
    save_plan(plan, osp.join(out_dir, 'plan.json'))
    if result.evolution is not None:
        atomic_write_bytes(json.dumps(dict(
            best_ab=result.evolution.best_ab.tolist(), best_loss=result.evolution.best_loss,
            history=result.evolution.history), indent=1).encode(),
            osp.join(out_dir, 'evolution.json'))
    meta = _plain_meta(checkpoint.get('meta'))
    meta.update(converter='tools/model_converters/picpq_compress.py',
                converted_from=osp.basename(args.checkpoint), method=plan['method'],
                flops=plan['flops']['pruned'], bops=plan['bops']['bops'])
    state_dict = {k: v.detach().cpu() for k, v in result.model.state_dict().items()}
    _save_torch({'state_dict': state_dict, 'meta': meta}, osp.join(out_dir, 'pruned.pth'))
    max_epochs = (cfg.get('train_cfg') or {}).get('max_epochs')
    atomic_write_bytes(config_fragment(args.config, model_cfg, out_dir, max_epochs).encode(),
                       osp.join(out_dir, 'compressed_config.py'))
    print(f'picpq_compress: wrote {out_dir}/{{pruned.pth, plan.json, compressed_config.py}}; '
          f'FLOPs {plan["flops"]["pruned"]:,} / {plan["flops"]["dense"]:,} '
          f'({plan["flops"]["ratio"]:.4f}), BOPs {plan["bops"]["bops"]:,} '
          f'({plan["bops"]["bops_compression"]:.2f}x)', flush=True)
    return dict(out_dir=out_dir, plan=plan)


def export(cfg, args) -> dict:
    from rszoo.models.compression import (BOPsCounter, QuantConv2d, bops_summary,
                                          fake_quant_state, load_plan, set_fake_quant)
    from rszoo.models.compression.picpq_compressor import authors_bops
    model_cfg = cfg.model.to_dict()
    if model_cfg.get('type') != 'CompressedModel':
        raise CompressError(f'--export: {args.config} must build a CompressedModel (model.type '
                            f'is {model_cfg.get("type")!r})')
    plan = load_plan(model_cfg['plan'])
    checkpoint = load_weights(args.checkpoint)
    model = build_model(model_cfg, checkpoint.get('state_dict', checkpoint), args.device)
    state = (checkpoint.get('meta') or {}).get('fake_quant')
    if state is None:
        print('picpq_compress --export: the checkpoint has no meta["fake_quant"]; counting with '
              'every quantizer on', flush=True)
        state = dict(weights=True, activations=True)
    set_fake_quant(model, weights=bool(state['weights']), activations=bool(state['activations']))
    counts = BOPsCounter(tuple(plan['input_shape']))(model)
    codes = {}
    for name, module in model.named_modules():
        if isinstance(module, QuantConv2d) and module.quantize_weight and \
                module.weight_bits < 32:
            integer = module.weight_quantizer.integer_codes(module.weight)
            levels = module.weight_quantizer.levels
            if not torch.allclose(integer.float() / levels, module.quantized_weight().detach()):
                raise RuntimeError(f'--export: {name}: integer codes do not reproduce the '
                                   'quantized weight')
            codes[name] = dict(codes=integer.cpu(), levels=levels, bits=module.weight_bits)
    summary = bops_summary(counts, plan['flops']['dense'])
    summary.update(fake_quant=fake_quant_state(model))
    out_dir = args.out_dir or osp.dirname(osp.abspath(args.checkpoint))
    stem = osp.splitext(osp.basename(args.checkpoint))[0]
    os.makedirs(out_dir, exist_ok=True)
    meta = _plain_meta(checkpoint.get('meta'))
    meta.update(converter='tools/model_converters/picpq_compress.py --export',
                converted_from=osp.basename(args.checkpoint), fake_quant=summary['fake_quant'],
                flops=summary['flops'], bops=summary['bops'])
    _save_torch({'state_dict': {k: v.detach().cpu() for k, v in model.state_dict().items()},
                 'quantized_weights': codes, 'meta': meta},
                osp.join(out_dir, f'{stem}_export.pth'))
    report = dict(summary, config=args.config, checkpoint=args.checkpoint,
                  input_shape=plan['input_shape'], layers=counts['layers'])
    atomic_write_bytes(json.dumps(report, indent=1).encode(),
                       osp.join(out_dir, f'{stem}_bops.json'))
    # flat totals for a test record (tools/test.py --extra-metrics); the authors' count
    # (every conv input at its own weight bits) beside rszoo's, for comparison only
    complexity = {k: summary[k] for k in ('flops', 'bops', 'flops_ratio', 'bops_compression')
                  if k in summary}
    complexity['bops_authors_convention'] = authors_bops(counts)
    if 'dense_bops' in summary:
        complexity['bops_compression_authors_convention'] = (
            summary['dense_bops'] / complexity['bops_authors_convention'])
    atomic_write_bytes(json.dumps(complexity, indent=1).encode(),
                       osp.join(out_dir, f'{stem}_complexity.json'))
    print(f'picpq_compress --export: {out_dir}/{stem}_export.pth; FLOPs {summary["flops"]:,}, '
          f'BOPs {summary["bops"]:,} ({summary.get("bops_compression", float("nan")):.2f}x '
          f'below the dense FP32 model)', flush=True)
    return dict(out_dir=out_dir, report=report)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        cfg = load_config(args.config, args.cfg_options)
        if args.export:
            export(cfg, args)
        else:
            compress(cfg, args)
    except (CompressError, FileNotFoundError, KeyError, ValueError) as err:
        print(f'picpq_compress: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    from rszoo.utils.tool_setup import prepare_tool
    prepare_tool()
    sys.exit(main())
