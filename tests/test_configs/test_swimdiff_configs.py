"""The configs under ``configs/swimdiff/``: pre-training (SwiMDiff and its MoCo v2
baseline share data, backbone and budget), the AID-150px self-supervised pipeline (reads
real images; skips without them), loading a pre-trained backbone into the linear-probe and
fine-tuning classifiers (and ``tools/model_converters/extract_backbone.py``), the metafile.
"""
import copy
import re
import os.path as osp

import pytest
import torch
import yaml
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.optim import OptimWrapper

from rszoo.models.heads import ConditionalDenoiserHead, MultiPositiveContrastiveHead
from rszoo.registry import DATASETS, MODELS

from conftest import REPO_ROOT, load_tool
from helpers.swimdiff import (CONFIG_DIR, FINETUNE_CONFIG, PRETRAIN_CONFIGS, PROBE_CONFIG,
                              tiny_cfg, two_view_batch)

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_aid150_selfsup_pipeline_gives_two_views_with_scene_ids(aid_root):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, PRETRAIN_CONFIGS[0]))
    ds_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    ds_cfg.dataset.data_root = str(aid_root)
    ds_cfg.dataset.preload = False
    dataset = DATASETS.build(ds_cfg)
    assert len(dataset) == 4 * 2000 and dataset.num_scenes == 2000
    batch = default_collate([dataset[0], dataset[3], dataset[4]])
    views = batch['inputs']
    assert len(views) == 2 and all(v.shape == (3, 3, 64, 64) for v in views)
    assert [s.scene_id for s in batch['data_samples']] == [0, 0, 1]
    model = MODELS.build(cfg.model)
    data = model.data_preprocessor(batch, training=True)
    assert data['inputs'][0].dtype == torch.float32
    assert abs(data['inputs'][0].mean().item()) < 2.0


def test_pretraining_configs_share_data_backbone_and_budget():
    ours, base = (Config.fromfile(osp.join(CONFIG_DIR, name)) for name in PRETRAIN_CONFIGS)
    assert ours.model.type == 'SwiMDiff' and base.model.type == 'MoCo'
    for key in ('train_dataloader', 'optim_wrapper', 'param_scheduler', 'train_cfg',
                'randomness', 'auto_scale_lr', 'default_hooks'):
        assert ours.get(key) == base.get(key), key
    for key in ('backbone', 'neck', 'data_preprocessor', 'queue_len', 'feat_dim', 'momentum'):
        assert ours.model.get(key) == base.model.get(key), key
    assert ours.model.head.temperature == base.model.head.temperature == 0.2
    assert ours.model.scene_matching == 'mask' and ours.model.batch_negatives
    assert ours.train_dataloader.dataset.type == 'SceneTileDataset'
    assert ours.train_dataloader.sampler.type == 'SceneGroupedSampler'
    assert ours.train_dataloader.batch_size % 4 == 0  # whole scenes of 4 tiles per batch
    assert ours.model.queue_len % ours.train_dataloader.batch_size == 0  # mmpretrain's MoCo


def test_swimdiff_config_runs_a_train_step_at_64px():
    cfg = Config.fromfile(osp.join(CONFIG_DIR, PRETRAIN_CONFIGS[0]))
    model = MODELS.build(cfg.model)
    assert isinstance(model.diffusion_head, ConditionalDenoiserHead)
    assert isinstance(model.head, MultiPositiveContrastiveHead)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    model.train()
    torch.manual_seed(0)
    log = model.train_step(two_view_batch(n=4, size=64), optim)
    assert {'loss', 'loss_contrastive', 'loss_diffusion'} <= set(log)
    assert all(torch.isfinite(v) for v in log.values())
    assert model.queue_scene[:4].tolist() == [0, 0, 1, 2]


def tiny_probe_model_cfg(config, checkpoint):
    cfg = Config.fromfile(config)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.backbone.update(base_channels=8, stem_channels=8)
    model_cfg.backbone.init_cfg.checkpoint = str(checkpoint)
    model_cfg.neck[1].input_features = 64
    model_cfg.head.in_channels = 64
    return cfg, model_cfg


def test_checkpoint_loads_into_the_linear_probe_with_only_backbone_keys(tmp_path):
    torch.manual_seed(0)
    pretrain = MODELS.build(tiny_cfg())
    for p in pretrain.backbone.parameters():  # weights no random init would give
        p.data.uniform_(-1, 1)
    checkpoint = tmp_path / 'swimdiff.pth'
    torch.save({'state_dict': pretrain.state_dict(), 'meta': {'epoch': 1}}, checkpoint)

    cfg, model_cfg = tiny_probe_model_cfg(PROBE_CONFIG, checkpoint)
    assert cfg.model.backbone.init_cfg == dict(
        type='Pretrained', prefix='backbone.',
        checkpoint='work_dirs/swimdiff_resnet18_aid150_64px_1xb64_20e/epoch_20.pth')
    assert cfg.model.backbone.frozen_stages == 4
    probe = MODELS.build(model_cfg)
    probe.init_weights()
    loaded = probe.backbone.state_dict()
    source = {k[len('backbone.'):]: v for k, v in pretrain.state_dict().items()
              if k.startswith('backbone.')}
    assert set(loaded) == set(source)
    for key, value in source.items():
        assert torch.equal(loaded[key], value), key
    # the checkpoint also holds the training-only parts, which the prefix leaves out
    prefixes = {k.split('.', 1)[0] for k in pretrain.state_dict()}
    assert {'encoder_k', 'neck', 'diffusion_head', 'queue', 'queue_scene'} <= prefixes
    # frozen: no backbone parameter trains, BatchNorm stays in eval mode
    probe.train()
    assert not any(p.requires_grad for p in probe.backbone.parameters())
    assert not probe.backbone.layer4.training
    assert all(p.requires_grad for p in probe.head.parameters())
    with torch.no_grad():
        assert probe(torch.randn(2, 3, 64, 64)).shape == (2, 30)

    # random init (the third row of the comparison): `--cfg-options model.backbone.init_cfg=None`
    from rszoo.utils.config_utils import merge_cfg_options
    random_cfg = merge_cfg_options(Config.fromfile(PROBE_CONFIG),
                                   {'model.backbone.init_cfg': None})
    assert random_cfg.model.backbone.init_cfg is None
    random_model_cfg = copy.deepcopy(random_cfg.model)
    random_model_cfg.backbone.update(base_channels=8, stem_channels=8)
    random_model_cfg.neck[1].input_features = 64
    random_model_cfg.head.in_channels = 64
    random_init = MODELS.build(random_model_cfg)
    random_init.init_weights()
    assert not torch.equal(random_init.backbone.conv1.weight, pretrain.backbone.conv1.weight)

    # the fine-tuning switch: same loading, every backbone parameter trains
    cfg_ft, model_cfg_ft = tiny_probe_model_cfg(FINETUNE_CONFIG, checkpoint)
    assert cfg_ft.model.backbone.frozen_stages == -1
    for key in ('train_dataloader', 'val_dataloader', 'optim_wrapper', 'param_scheduler',
                'train_cfg'):
        assert cfg_ft.get(key) == cfg.get(key), key
    finetune = MODELS.build(model_cfg_ft)
    finetune.init_weights()
    assert torch.equal(finetune.backbone.conv1.weight, pretrain.backbone.conv1.weight)
    finetune.train()
    assert all(p.requires_grad for p in finetune.backbone.parameters())
    assert finetune.backbone.layer4.training

    # the backbone-only export loads the same way
    tool = load_tool('tools/model_converters/extract_backbone.py', 'extract_backbone')
    small = tmp_path / 'backbone.pth'
    assert tool.main([str(checkpoint), str(small)]) == 0
    exported = torch.load(small, weights_only=True)['state_dict']
    assert set(exported) == {f'backbone.{k}' for k in source}
    _, model_cfg_small = tiny_probe_model_cfg(PROBE_CONFIG, small)
    again = MODELS.build(model_cfg_small)
    again.init_weights()
    assert torch.equal(again.backbone.layer4[1].conv2.weight,
                       pretrain.backbone.layer4[1].conv2.weight)
    assert tool.main([str(checkpoint), str(tmp_path / 'x.pth'), '--prefix', 'trunk.']) == 1


def test_metafile_and_model_index():
    with open(osp.join(CONFIG_DIR, 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    (collection, ) = meta['Collections']
    assert collection['Name'] == 'SwiMDiff' and collection['Status'] == 'in progress'
    assert collection['Paper']['URL'] == 'https://arxiv.org/abs/2401.05093'
    for entry in meta['Models']:
        assert entry['In Collection'] == 'SwiMDiff'
        assert 'Weights' not in entry  # checkpoints are not published
        # a figure only with 3 seeds of records (update_metafile_results.py fills it; the
        # records test compares it); a model with fewer says which seeds it has
        if entry['Results'] is None:
            assert entry['Status'] == 'runnable, not measured here' or re.fullmatch(
                r'measured on seeds? [0-9, ]+ \(README Results\); seeds? [0-9, ]+ pending, '
                r'no metafile figure until then', entry['Status']), entry['Status']
        else:
            assert entry['Status'].startswith('done (3 seeds')
            (result, ) = entry['Results']
            assert len(result['Metrics']['Top 1 Accuracy (per seed)']) == 3
        assert osp.isfile(osp.join(REPO_ROOT, entry['Config']))
        assert entry['Name'] == osp.splitext(osp.basename(entry['Config']))[0]
    with open(osp.join(REPO_ROOT, 'model-index.yml')) as f:
        assert 'configs/swimdiff/metafile.yml' in yaml.safe_load(f)['Import']
    with open(osp.join(REPO_ROOT, 'configs', 'planned-methods.yml')) as f:
        planned = yaml.safe_load(f)['Collections']
    assert 'SwiMDiff' not in {c['Name'] for c in planned}


#: each pre-training ablation: its base and the only keys it changes (issue 19)
ABLATIONS = {
    'swimdiff_resnet18_aid150_64px_1xb64_20e_positive.py': dict(scene_matching='positive'),
    'swimdiff_resnet18_aid150_64px_1xb64_20e_batch-neg.py': dict(
        scene_matching='none', batch_negatives=True, lambda_d=0.0),
    'swimdiff_resnet18_aid150_64px_1xb64_20e_no-diffusion.py': dict(
        lambda_d=0.0, log_zeroed_condition=False),
    'swimdiff_resnet18_aid150_64px_1xb64_20e_lambda-d0.1.py': dict(lambda_d=0.1),
    'swimdiff_resnet18_aid150_64px_1xb64_20e_lambda-d0.3.py': dict(lambda_d=0.3),
    'swimdiff_resnet18_aid150_64px_1xb64_20e_clean-target.py': dict(diffusion_target='clean'),
    'swimdiff_resnet18_aid150_64px_1xb64_20e_map-condition.py': dict(
        diffusion_head=dict(condition='map')),
}


def _without(cfg, model_keys):
    d = copy.deepcopy(cfg.to_dict())
    for key in ('filename', ):
        d.pop(key, None)
    for key, value in model_keys.items():
        if isinstance(value, dict):
            for sub in value:
                d['model'][key].pop(sub)
        else:
            d['model'].pop(key)
    return d


@pytest.mark.parametrize('name', sorted(ABLATIONS))
def test_swimdiff_ablations_change_only_their_switch(name):
    main = Config.fromfile(osp.join(CONFIG_DIR, PRETRAIN_CONFIGS[0]))
    ablation = Config.fromfile(osp.join(CONFIG_DIR, name))
    switch = ABLATIONS[name]
    for key, value in switch.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                assert ablation.model[key][sub] == v
        else:
            assert ablation.model[key] == value
    a, m = _without(ablation, switch), _without(main, switch)
    if name.endswith('_clean-target.py'):  # and its third view
        a.pop('train_pipeline'), m.pop('train_pipeline')
        a['train_dataloader']['dataset'].pop('pipeline')
        m['train_dataloader']['dataset'].pop('pipeline')
        a.pop('clean_view')
    assert a == m


def test_mocov2_variants_change_only_sampler_or_length():
    base = Config.fromfile(osp.join(CONFIG_DIR, PRETRAIN_CONFIGS[1])).to_dict()
    plain = Config.fromfile(osp.join(
        CONFIG_DIR, 'mocov2_resnet18_aid150_64px_1xb64_20e_plain-sampler.py')).to_dict()
    assert plain['train_dataloader'].pop('sampler') == dict(type='DefaultSampler', shuffle=True)
    base_sampler = base['train_dataloader'].pop('sampler')
    assert base_sampler['type'] == 'SceneGroupedSampler'
    assert plain == base
    long = Config.fromfile(osp.join(CONFIG_DIR, 'mocov2_resnet18_aid150_64px_1xb64_34e.py'))
    assert long.train_cfg.max_epochs == 34 and long.param_scheduler[1].T_max == 33
    assert long.param_scheduler[0] == base['param_scheduler'][0]
    assert long.model.to_dict() == base['model']


def test_clean_target_pipeline_gives_the_unjittered_tile_as_third_view(aid_root):
    cfg = Config.fromfile(osp.join(
        CONFIG_DIR, 'swimdiff_resnet18_aid150_64px_1xb64_20e_clean-target.py'))
    ds_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    ds_cfg.dataset.data_root = str(aid_root)
    ds_cfg.dataset.preload = False
    dataset = DATASETS.build(ds_cfg)
    sample = dataset[5]
    views = sample['inputs']
    assert len(views) == 3 and all(v.shape == (3, 64, 64) for v in views)
    # the third view is the tile itself, resized: the same whatever the draw
    again = dataset[5]['inputs']
    assert torch.equal(views[2], again[2])
    assert not torch.equal(views[0], again[0]) or not torch.equal(views[1], again[1])
    # ... and equals the tile cut from the source image and resized by Pillow (bilinear)
    import numpy as np
    from PIL import Image
    info = dataset.get_data_info(5)
    source = np.asarray(Image.open(info['img_path']).convert('RGB'))
    x1, y1, x2, y2 = dataset.tile_box(info['tile_index'], *source.shape[:2])
    tile = Image.fromarray(np.ascontiguousarray(source[y1:y2, x1:x2]))
    expected = np.asarray(tile.resize((64, 64), Image.BILINEAR)).astype(int)
    got = views[2].permute(1, 2, 0).numpy().astype(int)
    if not np.abs(got - expected).max() <= 1:  # the loader's channel order is BGR
        got = got[..., ::-1]
    assert np.abs(got - expected).max() <= 1


@pytest.mark.parametrize('name', ['swimdiff_resnet18_aid150_64px_1xb64_20e_clean-target.py',
                                  'swimdiff_resnet18_aid150_64px_1xb64_20e_map-condition.py'])
def test_diffusion_ablations_run_a_train_step_at_64px(name):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name))
    model = MODELS.build(cfg.model)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    model.train()
    torch.manual_seed(0)
    batch = two_view_batch(n=4, size=64)
    if 'clean' in name:
        batch['inputs'].append(batch['inputs'][0].clone())
    log = model.train_step(batch, optim)
    assert {'loss', 'loss_contrastive', 'loss_diffusion', 'diffusion_mse',
            'diffusion_mse_zeroed_condition'} <= set(log)
    assert all(torch.isfinite(v) for v in log.values())
