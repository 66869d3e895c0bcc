"""The naming rules of docs/architecture.md ("Names"): every training config carries
mmpretrain's batch marker {N}xb{B} matching its batch size, right before its schedule; data set
classes have no underscores, and only generic ones end in "Dataset"."""
import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config

from conftest import REPO_ROOT

CONFIGS = sorted(p for p in glob.glob(str(REPO_ROOT / 'configs' / '*' / '*.py'))
                 if '_base_' not in p and not p.endswith('runtime_base.py'))
SCHEDULE = re.compile(r'^(\d+(e|r)(-[\w-]+)?|1x|smoke)$')
MARKER = re.compile(r'^(\d+)xb(\d+)$')


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_training_configs_carry_the_batch_marker(path):
    cfg = Config.fromfile(path)
    fields = osp.basename(path)[:-3].split('_')
    markers = [i for i, f in enumerate(fields) if MARKER.match(f)]
    if cfg.get('train_cfg') is None or not cfg.get('train_dataloader'):
        assert not markers, 'a config that trains nothing has no batch marker'
        return
    assert len(markers) == 1, f'{osp.basename(path)}: no {{N}}xb{{B}} field'
    i = markers[0]
    batch = int(MARKER.match(fields[i])[2])
    assert batch == cfg.train_dataloader.batch_size
    schedules = [j for j, f in enumerate(fields) if SCHEDULE.match(f)]
    if schedules:
        assert schedules[-1] == i + 1, 'the batch marker comes right before the schedule'


def test_data_set_class_names():
    import rszoo.datasets as datasets
    from mmengine.dataset import BaseDataset
    for name in datasets.__all__:
        obj = getattr(datasets, name)
        if isinstance(obj, type) and issubclass(obj, BaseDataset):
            assert '_' not in name, name
