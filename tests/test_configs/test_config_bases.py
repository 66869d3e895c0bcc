"""The config bases: each paper config is its `_base_` files plus what makes it itself.

- SSKDNet: one model base per backbone (``configs/_base_/models/sskdnet_*_30cls.py``),
  data set bases for AID, NWPU-RESISC45 and UC Merced at 224 px, one 224 px schedule;
  a paper config adds its class count (the branch takes the head's) and its split, and
  nothing that has no effect (no top-level ``num_classes``).
- The AID-150px SSKDNet configs resolve to their baselines' data, schedule and runtime.
- ``tests/configs/tiny_*.py`` take the bases' pipelines (only the Resize differs) and
  validate on a tiny split of training images that is neither their training nor their
  test split (the 20/80 bases they extend have no validation loop).
"""
import copy
import os.path as osp

import pytest
from mmengine.config import Config

from rszoo.fileio import REPO_ROOT

SSKDNET = osp.join(REPO_ROOT, 'configs', 'sskdnet')
BASES = osp.join(REPO_ROOT, 'configs', '_base_')
TINY = osp.join(REPO_ROOT, 'tests', 'configs')
PAPER_224 = {  # config -> (data set type, classes, split)
    'aid-20-80': ('AID', 30, 'splits/aid/20-80_seed0'),
    'aid-50-50': ('AID', 30, 'splits/aid/50-50_seed0'),
    'nwpu-10-90': ('NWPURESISC45', 45, 'splits/nwpu_resisc45/10-90_seed0'),
    'nwpu-20-80': ('NWPURESISC45', 45, 'splits/nwpu_resisc45/20-80_seed0'),
    'ucmerced-50-50': ('UCMerced', 21, 'splits/ucmerced/50-50_seed0'),
    'ucmerced-80-20': ('UCMerced', 21, 'splits/ucmerced/80-20_seed0'),
}
DATA_ROOTS = {'AID': '/AID', 'NWPURESISC45': '/NWPU-RESISC45',
              'UCMerced': '/UCMerced_LandUse/Images'}


def paper_224(name):
    return Config.fromfile(osp.join(SSKDNET, f'sskdnet_resnet50_in1k-pre_{name}_224px_1xb32_100e.py'))


def with_classes(model, num_classes):
    model = copy.deepcopy(model.to_dict() if hasattr(model, 'to_dict') else model)
    model['data_preprocessor']['num_classes'] = model['head']['num_classes'] = num_classes
    return model


@pytest.mark.parametrize('name', sorted(PAPER_224))
def test_224px_paper_config_is_bases_plus_split_and_class_count(name):
    dataset_type, num_classes, split = PAPER_224[name]
    cfg, aid = paper_224(name), paper_224('aid-20-80')
    # the model: the ResNet-50 SSKDNet base with this data set's class count, once
    assert cfg.model.head.num_classes == cfg.model.data_preprocessor.num_classes == num_classes
    assert 'num_classes' not in cfg.model.branch and 'num_classes' not in cfg
    assert with_classes(cfg.model, 30) == aid.model.to_dict()
    assert aid.model.backbone.depth == 50 and aid.model.branch_batch_ratio == 1.0
    # the data: the data set's base and this split
    # no validation loop (the whole training share trains; the last epoch is tested once)
    assert cfg.val_dataloader is cfg.val_evaluator is cfg.val_cfg is None
    for key, part in (('train_dataloader', 'train'), ('test_dataloader', 'test')):
        dataset = cfg[key].dataset
        assert dataset.type == cfg.dataset_type == dataset_type, key
        assert dataset.data_root == cfg.data_root and cfg.data_root.endswith(
            DATA_ROOTS[dataset_type]), key
        assert dataset.split_file == f'{split}_{part}.txt', key
        other = copy.deepcopy(cfg[key].to_dict())
        other['dataset'].update(type='AID', data_root=aid.data_root,
                                split_file=aid[key].dataset.split_file)
        assert other == aid[key].to_dict(), key  # pipelines, batches, samplers: AID's
    # everything else: the shared schedule and runtime
    for key in set(aid) - {'model', 'train_dataloader', 'test_dataloader',
                           'dataset_type', 'data_root'}:
        assert cfg[key] == aid[key], key
    assert set(cfg) == set(aid)


def test_second_split_configs_change_only_the_split_files():
    for second, first in (('aid-50-50', 'aid-20-80'), ('nwpu-10-90', 'nwpu-20-80'),
                          ('ucmerced-50-50', 'ucmerced-80-20')):
        a, b = paper_224(second).to_dict(), paper_224(first).to_dict()
        for key in ('train_dataloader', 'test_dataloader'):
            assert a[key]['dataset'].pop('split_file') != b[key]['dataset'].pop('split_file')
        assert a == b, second


def test_sskdnet_model_bases_share_everything_but_the_backbone():
    def model(name):
        return Config.fromfile(osp.join(BASES, 'models', f'{name}.py')).model.to_dict()

    r18, r50 = model('sskdnet_resnet18_30cls'), model('sskdnet_resnet50_30cls')
    lite0 = model('sskdnet_efficientnet-lite0_30cls')
    plain_r18, plain_lite0 = model('resnet18_30cls'), model('efficientnet-lite0_30cls')
    training_only = ('mask_shuffle', 'kd_loss', 'target_index', 'attention_index',
                     'target_layout', 'keep_bn_stats_clean')
    for other in (r50, lite0):
        assert other['type'] == 'SSKDNet' and other['head'] == r18['head']
        for key in training_only:
            assert other[key] == r18[key], key
        assert {k: v for k, v in other['branch'].items()
                if k not in ('in_channels', 'target_channels')} == {
                    k: v for k, v in r18['branch'].items()
                    if k not in ('in_channels', 'target_channels')}
    # the backbones and preprocessing of the plain classifier bases
    assert r18['data_preprocessor'] == r50['data_preprocessor'] == plain_r18['data_preprocessor']
    assert lite0['data_preprocessor'] == plain_lite0['data_preprocessor']
    assert dict(plain_r18['backbone'], out_indices=(0, 1, 2, 3)) == r18['backbone']
    assert dict(plain_lite0['backbone'], out_indices=(2, 3, 5, 8)) == lite0['backbone']
    assert dict(r18['backbone'], depth=50, init_cfg=r50['backbone']['init_cfg']) == \
        r50['backbone']
    assert plain_r18['head'] == r18['head']  # 30 classes, 512 inputs (the fusion's width)
    assert (r18['branch_batch_ratio'], lite0['branch_batch_ratio'],
            r50['branch_batch_ratio']) == (0.125, 0.125, 1.0)


@pytest.mark.parametrize('sskdnet, baseline', [
    ('sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py',
     'efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py'),
    ('sskdnet_resnet18_scratch_aid150-20-80_64px_1xb32_40e.py',
     'resnet18_scratch_aid150-20-80_64px_1xb32_40e.py'),
])
def test_aid150_sskdnet_config_is_its_baseline_with_the_sskdnet_model(sskdnet, baseline):
    ours = Config.fromfile(osp.join(SSKDNET, sskdnet)).to_dict()
    base = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'baseline', baseline)).to_dict()
    assert ours.pop('model')['type'] == 'SSKDNet' and base.pop('model')['type'] == \
        'ImageClassifier'
    assert ours == base


def test_64px_dataset_base_only_resizes_the_128px_base():
    b64 = Config.fromfile(osp.join(BASES, 'datasets', 'aid150_bs32_64px.py')).to_dict()
    b128 = Config.fromfile(osp.join(BASES, 'datasets', 'aid150_bs32_128px.py')).to_dict()
    assert (b64.pop('img_size'), b128.pop('img_size')) == (64, 128)
    for cfg, size in ((b64, 64), (b128, 128)):
        for key in ('train_pipeline', 'test_pipeline'):
            resize = [t for t in cfg[key] if t['type'] == 'Resize']
            assert len(resize) == 1 and resize[0].pop('scale') == (size, size)
        assert cfg['val_dataloader'] is None  # whole-share training: no validation loop
        for key in ('train_dataloader', 'test_dataloader'):
            for t in cfg[key]['dataset']['pipeline']:
                t.pop('scale', None)
    assert b64 == b128


@pytest.mark.parametrize('name, size', [('tiny_resnet_aid150.py', 32),
                                        ('tiny_sskdnet_aid150.py', 64)])
def test_tiny_configs_take_the_base_pipelines(name, size):
    cfg = Config.fromfile(osp.join(TINY, name))
    b128 = Config.fromfile(osp.join(BASES, 'datasets', 'aid150_bs32_128px.py'))
    for key, pipeline in (('train_dataloader', 'train_pipeline'),
                          ('val_dataloader', 'test_pipeline'),
                          ('test_dataloader', 'test_pipeline')):
        expected = [dict(t, scale=(size, size)) if t['type'] == 'Resize' else t
                    for t in b128[pipeline]]
        assert cfg[key].dataset.pipeline == expected, key
        assert cfg[key].num_workers == 0, key
    splits = {key: cfg[key].dataset.split_file
              for key in ('train_dataloader', 'val_dataloader', 'test_dataloader')}
    assert splits == {'train_dataloader': 'tests/data/splits/aid_tiny_train.txt',
                      'val_dataloader': 'tests/data/splits/aid_tiny_val.txt',
                      'test_dataloader': 'tests/data/splits/aid_tiny_test.txt'}


def test_tiny_swimdiff_takes_the_base_views_at_32px():
    cfg = Config.fromfile(osp.join(TINY, 'tiny_swimdiff_aid150.py'))
    base = Config.fromfile(osp.join(REPO_ROOT, 'configs', 'swimdiff',
                                    'swimdiff_resnet18_aid150_64px_1xb64_20e.py'))
    expected = [dict(t, scale=32) if t['type'] == 'RandomResizedCrop' else t
                for t in base.view_pipeline]
    (multiview, pack) = cfg.train_dataloader.dataset.pipeline
    assert multiview.transforms == [expected] and pack == base.train_pipeline[1]
    assert cfg.train_dataloader.dataset.dataset.split_file == \
        'tests/data/splits/aid_tiny_train.txt'


def test_tiny_validation_split_is_held_out_training_images():
    def read(path):
        with open(osp.join(REPO_ROOT, path)) as f:
            return [tuple(line.split()) for line in f if line.strip()]

    train, val, test = (read(f'tests/data/splits/aid_tiny_{s}.txt')
                        for s in ('train', 'val', 'test'))
    assert (len(train), len(val), len(test)) == (120, 60, 60)
    paths = [{p for p, _ in rows} for rows in (train, val, test)]
    assert not paths[0] & paths[1] and not paths[1] & paths[2] and not paths[0] & paths[2]
    aid_train = {p for p, _ in read('splits/aid/20-80_seed0_train.txt')}
    assert paths[1] <= aid_train  # drawn from training images, never from test images
    labels = [int(label) for _, label in val]
    assert sorted(labels) == sorted(list(range(30)) * 2)  # 2 per class
