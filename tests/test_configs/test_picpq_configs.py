"""The configs under ``configs/picpq/``: the PIC-PQ config is the ResNet-18 baseline wrapped
in CompressedModel (plan and pruned checkpoint from the tool's output folder) with the
3-stage fine-tune; the magnitude + 8-bit config differs only in how the plan is made; the
tool reads their ``compression`` settings; the real ResNet-18 compresses and builds from the
config; the metafile and the model index."""
import copy
import os.path as osp

import pytest
import torch
import yaml
from mmengine.config import Config

from conftest import REPO_ROOT, load_tool

pytestmark = pytest.mark.usefixtures('single_thread_registry')

CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'picpq')
BASELINE = osp.join(REPO_ROOT, 'configs', 'baseline',
                    'resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py')
PICPQ = 'picpq_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops45'
MAGNITUDE = 'magnitude-8bit_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops45'
MAGNITUDE_EQUAL_BOPS = 'magnitude-8bit_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops70'
DENSE_FINETUNE = 'dense-finetune_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e'


def load(stem):
    return Config.fromfile(osp.join(CONFIG_DIR, f'{stem}.py'))


def without(cfg, *keys):
    data = copy.deepcopy(cfg.to_dict() if hasattr(cfg, 'to_dict') else cfg)
    for key in keys:
        data.pop(key, None)
    return data


def test_picpq_config_is_the_baseline_compressed_with_a_staged_fine_tune():
    cfg, baseline = load(PICPQ), Config.fromfile(BASELINE)
    out_dir = f'work_dirs/{PICPQ}/compress'
    assert cfg.model.to_dict() == dict(type='CompressedModel', model=baseline.model.to_dict(),
                                       plan=f'{out_dir}/plan.json')
    assert cfg.load_from == f'{out_dir}/pruned.pth' and cfg.compression.out_dir == out_dir
    assert cfg.custom_hooks == [dict(type='FakeQuantHook', activations_from_epoch=5,
                                     weights_from_epoch=10)]
    assert cfg.train_cfg.max_epochs == 15 and cfg.optim_wrapper.optimizer.lr == 0.01
    changed = ('model', 'load_from', 'compression', 'compress_dir', 'custom_hooks',
               'optim_wrapper', 'param_scheduler', 'train_cfg', 'default_hooks')
    assert without(cfg, *changed) == without(baseline, *changed)
    assert cfg.compression.pruner.flops_target == 0.45
    assert cfg.default_hooks.checkpoint.save_best is None  # the quantized last epoch is tested
    assert cfg.compression.bits.bmax == [32, 8, 6, 4, 4]
    assert cfg.compression.bits.lam == pytest.approx(1 / 6)
    # the search budget run here (the authors': 64 / 16 / 400 x 200 steps), stated in the README
    assert cfg.compression.evolution == dict(population=16, tournament=4, iterations=64,
                                             mutation_rate=0.1)
    assert cfg.compression.fitness.steps == 40


def test_the_schedule_restarts_the_lr_at_each_stage():
    from mmengine.optim.scheduler import CosineRestartLR
    cfg = load(PICPQ)
    (scheduler_cfg, ) = cfg.param_scheduler
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.01)
    kwargs = {k: v for k, v in scheduler_cfg.items() if k not in ('type', 'by_epoch',
                                                                 'convert_to_iter_based')}
    scheduler = CosineRestartLR.build_iter_from_epoch(optimizer, epoch_length=2, **kwargs)
    lrs = []
    for _ in range(30):  # 15 epochs of 2 iterations
        lrs.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    assert [lrs[i] for i in (0, 10, 20)] == pytest.approx([0.01] * 3)   # each stage starts
    assert lrs[9] < 0.001 and lrs[19] < 0.001 and lrs[29] < 0.001    # ... and decays


def test_magnitude_config_differs_only_in_how_the_plan_is_made():
    cfg, picpq = load(MAGNITUDE), load(PICPQ)
    out_dir = f'work_dirs/{MAGNITUDE}/compress'
    assert cfg.compression.importance == dict(type='L1FilterNorm')
    assert cfg.compression.evolution is None
    assert cfg.compression.bits == dict(bmax=8, lam=0.0, min_bits=2)
    assert cfg.compression.out_dir == out_dir and cfg.load_from == f'{out_dir}/pruned.pth'
    assert cfg.model.plan == f'{out_dir}/plan.json'
    assert without(cfg.model, 'plan') == without(picpq.model, 'plan')
    assert without(cfg.compression, 'importance', 'evolution', 'bits', 'method', 'out_dir') == \
        without(picpq.compression, 'importance', 'evolution', 'bits', 'method', 'out_dir')
    assert without(cfg, 'compression', 'compress_dir', 'model', 'load_from') == \
        without(picpq, 'compression', 'compress_dir', 'model', 'load_from')


def test_the_equal_bops_magnitude_config_differs_only_in_its_flops_target():
    cfg, equal_flops = load(MAGNITUDE_EQUAL_BOPS), load(MAGNITUDE)
    out_dir = f'work_dirs/{MAGNITUDE_EQUAL_BOPS}/compress'
    assert cfg.compression.pruner.flops_target == 0.70
    assert cfg.compression.out_dir == out_dir and cfg.load_from == f'{out_dir}/pruned.pth'
    assert cfg.model.plan == f'{out_dir}/plan.json'
    cfg.compression.pruner.flops_target = 0.45
    assert without(cfg.compression, 'out_dir') == without(equal_flops.compression, 'out_dir')
    assert without(cfg, 'compression', 'compress_dir', 'model', 'load_from') == \
        without(equal_flops, 'compression', 'compress_dir', 'model', 'load_from')


def test_the_dense_control_has_the_fine_tune_schedule_and_no_compression():
    cfg, picpq, baseline = load(DENSE_FINETUNE), load(PICPQ), Config.fromfile(BASELINE)
    assert cfg.model == baseline.model and 'compression' not in cfg
    assert 'custom_hooks' not in cfg or not any(
        h['type'] == 'FakeQuantHook' for h in cfg.custom_hooks)
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg', 'default_hooks',
                'train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key] == picpq[key], key


def test_the_tool_reads_the_config_settings_and_the_real_model_compresses():
    tool = load_tool('tools/model_converters/picpq_compress.py')
    cfg = load(MAGNITUDE)
    args = tool.parse_args([osp.join(CONFIG_DIR, f'{MAGNITUDE}.py'), 'x.pth'])
    settings = tool.settings_from(cfg, args)
    assert settings['evolution'] is None and settings['importance'] == dict(type='L1FilterNorm')
    assert settings['out_dir'] == osp.dirname(cfg.load_from)
    assert tool.input_shape_from(cfg, settings) == (3, 64, 64)
    assert tool.settings_from(cfg, tool.parse_args(['c', 'x', '--flops-target', '0.3']))[
        'pruner']['flops_target'] == 0.3

    # the real ResNet-18 at 64 px: compress with the config's settings, build from the plan
    from rszoo.models.compression import PICPQCompressor, build_compressed_model
    from rszoo.registry import MODELS
    dense = MODELS.build(tool.dense_model_cfg(cfg)).eval()
    compressor = PICPQCompressor(importance=settings['importance'], evolution=None,
                                 pruner=settings['pruner'], bits=settings['bits'],
                                 input_shape=(3, 64, 64))
    result = compressor.compress(dense)
    plan = dict(result.plan, format='rszoo-compression-plan', version=1)
    assert plan['flops']['pruned'] <= 0.45 * plan['flops']['dense']
    assert len(plan['groups']) == 12 and len(plan['conv_names']) == 20
    model = build_compressed_model(cfg.model.model.to_dict(), plan)
    model.load_state_dict(result.model.state_dict())
    assert model(torch.rand(2, 3, 64, 64), mode='tensor').shape == (2, 30)


def test_metafile_and_model_index():
    meta = yaml.safe_load(open(osp.join(CONFIG_DIR, 'metafile.yml')))
    (collection, ) = meta['Collections']
    assert collection['Name'] == 'PIC-PQ' and collection['Status'].startswith('done')
    assert collection['Paper']['URL'] == 'https://arxiv.org/abs/2312.00851'
    assert {m['Name'] for m in meta['Models']} == {PICPQ, MAGNITUDE, MAGNITUDE_EQUAL_BOPS,
                                                   DENSE_FINETUNE}
    for model in meta['Models']:
        assert model['Config'] == f'configs/picpq/{model["Name"]}.py'
        assert osp.isfile(osp.join(REPO_ROOT, model['Config']))
        # the figures themselves are checked against configs/picpq/results.jsonl by
        # tests/test_utils/test_metafile_results.py
        (result, ) = model['Results']
        assert model['Status'].startswith('done') and 'Top 1 Accuracy' in result['Metrics']
        assert ('BOPs compression' in result['Metrics']) == (model['Name'] != DENSE_FINETUNE)
    index = yaml.safe_load(open(osp.join(REPO_ROOT, 'model-index.yml')))
    assert 'configs/picpq/metafile.yml' in index['Import']
    names = []
    for path in index['Import']:
        names += [c['Name'] for c in
                  (yaml.safe_load(open(osp.join(REPO_ROOT, path))) or {}).get('Collections')
                  or []]
    assert names.count('PIC-PQ') == 1   # defined once: not in planned-methods.yml any more
