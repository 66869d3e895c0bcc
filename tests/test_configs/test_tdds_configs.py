"""The configs under ``configs/tdds/``: the scoring run is the ResNet-18 baseline plus
TDDSTrajectoryHook; the coreset configs are the same recipe on a CoresetDataset reading the
files make_coreset.py writes next to the scoring run's trajectory; a coreset config builds
on real AID images (skips without them); the metafile and model index."""
import copy
import os.path as osp

import numpy as np
import pytest
import yaml
from mmengine.config import Config

from rszoo.engine.hooks.tdds_trajectory_hook import save_tdds_trajectory
from rszoo.registry import DATASETS

from conftest import REPO_ROOT, load_tool

pytestmark = pytest.mark.usefixtures('single_thread_registry')

CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'tdds')
BASELINE = osp.join(REPO_ROOT, 'configs', 'baseline',
                    'resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py')
RECORD = 'tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_record'
CORESET_CONFIGS = {  # config stem -> the file make_coreset.py writes for it
    'tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep30': 'tdds_keep30.json',
    'tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep50': 'tdds_keep50.json',
    'random-subset_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep30':
        'random_keep30_seed0.json',
    'random-subset_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep50':
        'random_keep50_seed0.json',
}


def load(stem):
    return Config.fromfile(osp.join(CONFIG_DIR, f'{stem}.py'))


def without(cfg, *keys):
    data = copy.deepcopy(cfg.to_dict())
    for key in keys:
        data.pop(key, None)
    return data


def test_the_scoring_run_is_the_baseline_with_the_hook():
    cfg, baseline = load(RECORD), Config.fromfile(BASELINE)
    assert cfg.custom_hooks == [dict(type='TDDSTrajectoryHook', module='head',
                                     out_file='tdds_trajectory.npz')]
    assert without(cfg, 'custom_hooks') == without(baseline)
    assert cfg.train_cfg.max_epochs == 20  # >= T = 15 scored epochs


@pytest.mark.parametrize('stem', sorted(CORESET_CONFIGS))
def test_coreset_configs_change_only_the_training_set(stem):
    cfg, baseline = load(stem), Config.fromfile(BASELINE)
    dataset = cfg.train_dataloader.dataset
    assert dataset.type == 'CoresetDataset'
    assert dataset.dataset == baseline.train_dataloader.dataset
    # the tool's default output: coresets/ next to the trajectory of the scoring run that
    # tools/analysis/multi_seed.py trains for seed 0
    assert dataset.index_file == (f'work_dirs/multi_seed/{RECORD}/seed0/coresets/'
                                  f'{CORESET_CONFIGS[stem]}')
    data, base = without(cfg, 'coreset_dir'), without(baseline)
    data['train_dataloader'].pop('dataset')
    base['train_dataloader'].pop('dataset')
    assert data == base  # model, schedule, 20 epochs, test split: the baseline's


def test_a_coreset_config_builds_on_aid(aid_root, tmp_path):
    """The 30 % config's data set on the tiny AID split, with a coreset made by the tool
    for that split from a (made-up) trajectory: 36 of the 120 images."""
    from rszoo.datasets.pruning import dataset_fingerprint
    cfg = load('tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep30')
    inner = copy.deepcopy(cfg.train_dataloader.dataset.dataset)
    inner.update(data_root=str(aid_root), preload=False,
                 split_file='tests/data/splits/aid_tiny_train.txt')
    full = DATASETS.build(inner)
    rng = np.random.default_rng(0)
    state = dict(format='rszoo-tdds-trajectory', version=1, dataset_size=len(full),
                 fingerprint=dataset_fingerprint(full), dataset_type='AID', eps=1e-8,
                 num_classes=30, epochs=5,
                 contribution_abs=rng.random((4, len(full))).astype(np.float32),
                 contribution_kl=rng.random((4, len(full))).astype(np.float32),
                 seen=np.ones((5, len(full)), bool), labels=np.asarray(full.get_gt_labels()))
    trajectory = tmp_path / RECORD / 'tdds_trajectory.npz'
    save_tdds_trajectory(state, str(trajectory))
    tool = load_tool('tools/dataset_converters/make_coreset.py')
    assert tool.main([str(trajectory), '--keep-ratio', '0.3', '--epochs', '5',
                      '--window', '3']) == 0
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.dataset = inner
    dataset_cfg.index_file = str(tmp_path / RECORD / 'coresets' / 'tdds_keep30.json')
    coreset = DATASETS.build(dataset_cfg)
    assert len(coreset) == 36
    sample = coreset[0]
    assert sample['inputs'].shape == (3, 64, 64)
    assert sample['data_samples'].sample_idx == coreset.indices[0]


def test_metafile_and_model_index():
    with open(osp.join(CONFIG_DIR, 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    collection = meta['Collections'][0]
    assert collection['Name'] == 'TDDS' and collection['Status'].startswith('done')
    assert collection['Paper']['URL'] == 'https://arxiv.org/abs/2311.13613'
    names = set()
    for entry in meta['Models']:
        assert entry['In Collection'] == 'TDDS'
        assert entry['Status'].startswith('done')
        assert entry['Results'] and 'Weights' not in entry
        assert osp.isfile(osp.join(REPO_ROOT, entry['Config']))
        assert entry['Name'] == osp.splitext(osp.basename(entry['Config']))[0]
        names.add(entry['Name'])
    assert names == {RECORD} | set(CORESET_CONFIGS)
    with open(osp.join(REPO_ROOT, 'model-index.yml')) as f:
        assert 'configs/tdds/metafile.yml' in yaml.safe_load(f)['Import']
    with open(osp.join(REPO_ROOT, 'configs', 'planned-methods.yml')) as f:
        planned = yaml.safe_load(f)['Collections']
    assert 'TDDS' not in {c['Name'] for c in planned}
