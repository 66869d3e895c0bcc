"""The configs under ``configs/dsva/``, their class splits and the metafile."""
import os.path as osp

import numpy as np
import pytest
import yaml
from mmengine.config import Config

from rszoo.datasets.zeroshot import ClassSplit
from rszoo.registry import MODELS

from conftest import REPO_ROOT
from helpers.dsva import CONFIG_DIR, TINY_VIT

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_dsva_configs_and_metafile(dsva_split_file):
    aid = Config.fromfile(osp.join(CONFIG_DIR, 'dsva_vit-small_aid150-25-5_1xb24.py'))
    mcfa = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/mcfa/mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py'))
    assert aid.model.class_split == mcfa.model.class_split == 'splits/zsl/aid/aid_25-5_seed0.json'
    assert aid.train_dataloader.dataset.class_split == aid.model.class_split
    assert aid.model.class_attributes == aid.attribute_annotation.out
    assert aid.train_cfg.max_epochs == 30 and aid.optim_wrapper.optimizer.lr == 1e-4
    assert aid.train_dataloader.batch_size == 24 and aid.val_dataloader.batch_size == 64
    # the AID model builds (tiny backbone, an in-memory attribute matrix in place of the file)
    split = ClassSplit.from_file(osp.join(REPO_ROOT, aid.model.class_split))
    model_cfg = dict(aid.model, backbone=dict(TINY_VIT, img_size=64),
                     class_attributes=np.ones((len(split.classes), 7), np.float32))
    model = MODELS.build(model_cfg)
    assert model.num_classes == 30 and model.test_branches == ('mapping', 'proposal')
    for s in ('60-10', '50-20', '40-30'):
        cfg = Config.fromfile(osp.join(CONFIG_DIR, f'dsva_vit-b-32_rssdivcs-{s}_1xb24.py'))
        assert cfg.model.class_split.endswith(f'rssdivcs_{s}_seed0.json')
        assert osp.isfile(osp.join(REPO_ROOT, cfg.model.class_split))
        assert cfg.test_dataloader.dataset.class_split == cfg.model.class_split
        assert cfg.model.backbone.type == 'OpenCLIPVisionTower'
    meta = yaml.safe_load(open(osp.join(CONFIG_DIR, 'metafile.yml')))
    assert meta['Collections'][0]['Name'] == 'DSVA'
    assert meta['Collections'][0]['Status'] == 'in progress'
    results = {}
    for entry in meta['Models']:
        assert osp.isfile(osp.join(REPO_ROOT, entry['Config']))
        results[entry['Name']] = entry['Results']
    # the earlier AID-150px figures had no record: withdrawn until re-run with records
    assert results['dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24'] is None
    assert all(results[name] is None for name in results if 'rssdivcs' in name)  # no data
    index = yaml.safe_load(open(osp.join(REPO_ROOT, 'model-index.yml')))
    assert 'configs/dsva/metafile.yml' in index['Import']
    planned = yaml.safe_load(open(osp.join(REPO_ROOT, 'configs/planned-methods.yml')))
    assert 'DSVA' not in [c['Name'] for c in planned['Collections']]
