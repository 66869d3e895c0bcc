"""tools/model_converters/picpq_compress.py end to end on a tiny ResNet-18 and 24 fake
images (no real data): compress (FP -> a 3-candidate evolution -> prune -> bits) writes the
pruned checkpoint, the plan (FLOPs <= target measured on the modules) and a config fragment;
the fragment trains 3 epochs through mmengine's Runner with FakeQuantHook switching the
quantizers on; --export writes the integer weight codes and the BOPs of the trained model.
The magnitude + 8-bit baseline runs through the same code."""
import json
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from rszoo.fileio import REPO_ROOT

from conftest import load_tool

pytestmark = pytest.mark.usefixtures('single_thread_registry')

CONFIG = """
_base_ = ['{root}/configs/_base_/default_runtime.py']
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=3,
                           mean=[127.5, 127.5, 127.5], std=[64.0, 64.0, 64.0]),
    backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8, out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=3, in_channels=64,
              loss=dict(type='CrossEntropyLoss'), topk=(1, )))
train_pipeline = [dict(type='LoadImageFromFile'), dict(type='Resize', scale=(32, 32)),
                  dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                  dict(type='PackInputs')]
test_pipeline = [dict(type='LoadImageFromFile'), dict(type='Resize', scale=(32, 32)),
                 dict(type='PackInputs')]
train_dataloader = dict(batch_size=4, num_workers=0,
                        sampler=dict(type='DefaultSampler', shuffle=True),
                        dataset=dict(type='CustomDataset', data_root='{data}',
                                     pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      dataset=dict(type='CustomDataset', data_root='{data}',
                                   pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
train_cfg = dict(by_epoch=True, max_epochs=3, val_interval=3)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=3, max_keep_ckpts=1))
"""


@pytest.fixture(scope='module')
def tool():
    return load_tool('tools/model_converters/picpq_compress.py')


@pytest.fixture
def tiny(tmp_path):
    """(config path, dense checkpoint path) of the tiny model on 3 x 8 fake images."""
    rng = np.random.default_rng(0)
    for label, name in enumerate('abc'):
        folder = tmp_path / 'data' / name
        folder.mkdir(parents=True)
        for i in range(8):
            image = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
            image[..., label] = 255 - i  # a class-dependent channel
            Image.fromarray(image).save(folder / f'{i}.png')
    config = tmp_path / 'tiny_resnet18_fake_32px_1xb4_3e.py'
    config.write_text(CONFIG.format(root=REPO_ROOT, data=tmp_path / 'data'))
    from rszoo.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(config)).model)
    checkpoint = tmp_path / 'dense.pth'
    torch.save({'state_dict': model.state_dict(),
                'meta': {'dataset_meta': {'classes': ['a', 'b', 'c']}, 'epoch': 3}}, checkpoint)
    return str(config), str(checkpoint)


def test_compress_train_and_export_end_to_end(tool, tiny, tmp_path, capsys):
    config, checkpoint = tiny
    out = tmp_path / 'compress'
    code = tool.main([config, checkpoint, '--out-dir', str(out), '--flops-target', '0.5',
                      '--bmax', '32', '8', '6', '4', '4', '--lambda', '0.1667',
                      '--fp-batches', '1', '--population', '2', '--tournament', '2',
                      '--iterations', '3', '--tau-hat', '1', '--heldout-ratio', '0.25'])
    assert code == 0, capsys.readouterr().err
    plan = json.loads((out / 'plan.json').read_text())
    assert plan['flops']['pruned'] <= 0.5 * plan['flops']['dense']
    assert plan['source']['images'] == dict(train=18, heldout=6)
    assert plan['evolution']['evaluations'] == 3
    evolution = json.loads((out / 'evolution.json').read_text())
    assert len(evolution['history']) == 3 and evolution['best_ab'] == plan['ab']
    assert {layer['weight_bits'] for layer in plan['layers'].values()} <= set(range(2, 9)) | {32}

    # the fragment: CONFIG + CompressedModel + load_from + FakeQuantHook, trained by the Runner
    from mmengine.runner import Runner
    cfg = Config.fromfile(str(out / 'compressed_config.py'))
    assert cfg.model.type == 'CompressedModel' and cfg.load_from == str(out / 'pruned.pth')
    assert cfg.custom_hooks == [dict(type='FakeQuantHook', activations_from_epoch=1,
                                     weights_from_epoch=2)]
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    from rszoo.models.compression import BOPsCounter, fake_quant_state
    assert fake_quant_state(runner.model) == dict(weights=True, activations=True)
    trained = tmp_path / 'work' / 'epoch_3.pth'
    meta = torch.load(trained, map_location='cpu', weights_only=False)['meta']
    assert meta['fake_quant'] == dict(weights=True, activations=True)
    # the trained model, as the Runner holds it, has the plan's FLOPs and BOPs
    counts = BOPsCounter(plan['input_shape'])(runner.model)
    assert (counts['flops'], counts['bops']) == (plan['flops']['pruned'], plan['bops']['bops'])
    # a test run (tools/test.py's path) builds the model with the quantizers off and turns
    # them on from the checkpoint it loads
    cfg.load_from, cfg.work_dir = str(trained), str(tmp_path / 'test')
    tester = Runner.from_cfg(cfg)
    assert fake_quant_state(tester.model) == dict(weights=False, activations=False)
    metrics = tester.test()
    assert fake_quant_state(tester.model) == dict(weights=True, activations=True)
    assert 0 <= metrics['accuracy/top1'] <= 100

    code = tool.main([str(out / 'compressed_config.py'), str(trained), '--export',
                      '--out-dir', str(tmp_path / 'export')])
    assert code == 0, capsys.readouterr().err
    report = json.loads((tmp_path / 'export' / 'epoch_3_bops.json').read_text())
    assert report['bops'] == plan['bops']['bops'] and report['flops'] == plan['flops']['pruned']
    assert report['fake_quant'] == dict(weights=True, activations=True)
    assert report['bops_compression'] == pytest.approx(
        plan['flops']['dense'] * 1024 / plan['bops']['bops'])
    # the flat totals a test record takes (tools/test.py --extra-metrics)
    from rszoo.utils.records import load_metrics_file
    complexity = load_metrics_file(str(tmp_path / 'export' / 'epoch_3_complexity.json'))
    assert complexity['bops'] == report['bops'] and complexity['flops'] == report['flops']
    assert complexity['bops_compression'] == pytest.approx(report['bops_compression'])
    assert complexity['bops_authors_convention'] == plan['bops']['authors_convention']
    assert complexity['bops_compression_authors_convention'] == pytest.approx(
        plan['flops']['dense'] * 1024 / plan['bops']['authors_convention'])
    exported = torch.load(tmp_path / 'export' / 'epoch_3_export.pth', weights_only=True)
    quantized = [n for n, l in plan['layers'].items() if l['weight_bits'] < 32]
    assert sorted(exported['quantized_weights']) == sorted(quantized)
    name = quantized[0]
    entry = exported['quantized_weights'][name]
    assert int(entry['codes'].abs().max()) <= entry['levels'] == 2 ** (entry['bits'] - 1) - 1
    assert exported['state_dict'][name + '.weight'].shape == entry['codes'].shape


def test_magnitude_8bit_baseline_through_the_same_code(tool, tiny, tmp_path, capsys):
    config, checkpoint = tiny
    out = tmp_path / 'baseline'
    code = tool.main([config, checkpoint, '--out-dir', str(out), '--flops-target', '0.5',
                      '--importance', 'l1', '--no-evolution', '--bmax', '8', '--lambda', '0'])
    assert code == 0, capsys.readouterr().err
    plan = json.loads((out / 'plan.json').read_text())
    assert plan['settings']['importance'] == dict(type='L1FilterNorm')
    assert plan['ab'] == [[1.0, 0.0]] * len(plan['conv_names']) and plan['evolution'] is None
    assert {layer['weight_bits'] for layer in plan['layers'].values()} == {8}
    assert plan['flops']['pruned'] <= 0.5 * plan['flops']['dense']
    rows = {r['name']: r for r in plan['bops_layers']}
    assert (rows['backbone.conv1']['weight_bits'], rows['backbone.conv1']['input_bits']) == \
        (8, 32)                                   # the stem reads the 32-bit image
    assert (rows['backbone.layer1.0.conv2']['input_bits'],
            rows['backbone.layer1.0.conv1']['input_bits']) == (8, 32)   # FP residual stream
    assert not osp.exists(out / 'evolution.json')


def test_clear_errors(tool, tiny, tmp_path, capsys):
    config, checkpoint = tiny
    assert tool.main([config, checkpoint, '--out-dir', str(tmp_path / 'x'),
                      '--flops-target', '0.01', '--importance', 'l1', '--no-evolution']) == 1
    assert 'below what safeguard 0.1 allows' in capsys.readouterr().err
    assert tool.main([config, str(tmp_path / 'missing.pth')]) == 1
    assert 'missing.pth not found' in capsys.readouterr().err
    assert tool.main([config, checkpoint, '--export']) == 1
    assert "must build a CompressedModel (model.type is 'ImageClassifier')" in \
        capsys.readouterr().err
