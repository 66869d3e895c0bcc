"""``tools/model_converters/sskdnet_to_deploy.py``: the deploy export of an SSKDNet gives
identical logits without the training-only branch.
"""
import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from rszoo.models.classifiers import SSKDNet
from rszoo.registry import MODELS

from conftest import load_tool
from helpers.sskdnet import CONFIG_DIR, batch, tiny_model_cfg

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def load_converter():
    return load_tool('tools/model_converters/sskdnet_to_deploy.py', 'sskdnet_to_deploy')


def test_deploy_export_gives_identical_logits(tmp_path):
    converter = load_converter()
    cfg = Config(dict(model=tiny_model_cfg(), default_scope='rszoo'))
    torch.manual_seed(0)  # a fixed init: the steps below must not depend on the test order
    model = MODELS.build(cfg.model)
    # a few training steps so BN statistics and the gate are not at their init; lr 0.01:
    # at 0.05 some inits (seed 19 of 0-29, one thread) took conv weights to ~75 in two
    # batch-of-2 steps, and the eval forward overflowed to NaN in both models (NaN != NaN)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    model.train()
    for seed in range(2):
        model.train_step(batch(seed=seed), optim)
    in_path = tmp_path / 'sskdnet.pth'
    torch.save({'state_dict': model.state_dict(),
                'meta': {'cfg': cfg.pretty_text, 'dataset_meta': {'classes': tuple('abcde')}}},
               in_path)
    out_path = tmp_path / 'deploy.pth'
    out_config = converter.convert(str(in_path), str(out_path))
    assert out_config == str(tmp_path / 'deploy.py')

    exported = torch.load(out_path, map_location='cpu', weights_only=True)
    assert not any(k.startswith('branch.') for k in exported['state_dict'])
    assert exported['meta']['dataset_meta'] == {'classes': tuple('abcde')}
    deploy_cfg = Config.fromfile(out_config)
    assert deploy_cfg.model.type == 'ImageClassifier'
    assert not set(SSKDNet.TRAINING_ONLY_ARGS) & set(deploy_cfg.model)
    deploy = MODELS.build(deploy_cfg.model)
    deploy.load_state_dict(exported['state_dict'], strict=True)
    assert type(deploy).__name__ == 'ImageClassifier'

    model.eval()
    deploy.eval()
    data = model.data_preprocessor(batch(n=3, seed=5), training=False)
    with torch.no_grad():
        logits = model(data['inputs'], mode='tensor')
        assert torch.isfinite(logits).all()
        assert torch.equal(logits, deploy(data['inputs'], mode='tensor'))
        full = model(data['inputs'], data['data_samples'], mode='predict')
        plain = deploy(data['inputs'], copy.deepcopy(data['data_samples']), mode='predict')
    for a, b in zip(full, plain):
        assert torch.equal(a.pred_score, b.pred_score)


def test_deploy_converter_with_config_file_and_errors(tmp_path, capsys):
    converter = load_converter()
    config = osp.join(CONFIG_DIR, 'sskdnet_resnet18_scratch_aid150-20-80_64px_1xb32_40e.py')
    model = MODELS.build(Config.fromfile(config).model)
    in_path = tmp_path / 'in.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, in_path)
    out_path = tmp_path / 'out.pth'
    assert converter.main([str(in_path), str(out_path), '--config', config]) == 0
    deploy_cfg = Config.fromfile(str(tmp_path / 'out.py'))
    assert deploy_cfg.model.type == 'ImageClassifier'
    assert deploy_cfg.train_dataloader.dataset.split_file == 'splits/aid/20-80_seed0_train.txt'
    # no config in the checkpoint and none given: a clear error, exit code 1
    assert converter.main([str(in_path), str(tmp_path / 'x.pth')]) == 1
    assert 'pass --config' in capsys.readouterr().err
