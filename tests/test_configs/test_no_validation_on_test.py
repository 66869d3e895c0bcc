"""No config validates on its test split (the brief's rule: checkpoints and hyper-parameters
are chosen on a validation split carved from the training data; the test split is read once).

A config either has a validation loop whose data set differs from its test data set (another
split file, split, subset or annotation file), or none at all (``val_dataloader``,
``val_evaluator`` and ``val_cfg`` all None: it trains on a protocol's whole training share and
its last epoch is tested once, ``tools/train.py CONFIG --test``).
"""
import copy
from pathlib import Path

import pytest
from mmengine.config import Config

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted(str(p.relative_to(REPO)) for p in (REPO / 'configs').rglob('*.py')
                 if '_base_' not in p.parts and not p.name.endswith('_base.py'))
# what a loader may change between validation and test without changing the images read
NOT_THE_DATA = ('pipeline', 'test_mode', 'preload', 'lazy_init', 'serialize_data')


def strip(dataset):
    dataset = copy.deepcopy(dataset)
    if isinstance(dataset, dict):
        for key in NOT_THE_DATA:
            dataset.pop(key, None)
        for key, value in list(dataset.items()):
            dataset[key] = strip(value)
    return dataset


def test_every_training_config_is_checked():
    assert len(CONFIGS) > 100


@pytest.mark.parametrize('path', CONFIGS)
def test_config_never_validates_on_its_test_split(path):
    cfg = Config.fromfile(str(REPO / path))
    val = cfg.get('val_dataloader')
    if val is None:
        # no validation loop: all three parts absent (mmengine's own rule), and a test to run
        assert cfg.get('val_cfg') is None and cfg.get('val_evaluator') is None, path
        return
    test = cfg.get('test_dataloader')
    assert test is not None, f'{path}: a validation loop and no test_dataloader'
    assert strip(val.to_dict()['dataset']) != strip(test.to_dict()['dataset']), (
        f'{path}: val_dataloader reads the test data set; validate on a split carved from the '
        'training data, or drop the validation loop (val_dataloader/val_evaluator/val_cfg '
        'None) and test the last epoch once')


def test_the_check_catches_validation_on_test():
    cfg = Config.fromfile(str(REPO / 'configs/baseline/efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_10e.py'))
    val, test = cfg.val_dataloader.to_dict(), cfg.test_dataloader.to_dict()
    assert strip(val['dataset']) != strip(test['dataset'])
    val['dataset']['split_file'] = test['dataset']['split_file']
    assert strip(val['dataset']) == strip(test['dataset'])  # what the test above rejects
