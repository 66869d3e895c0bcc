"""tools/model_converters/publish_model.py: a training checkpoint -> a published file."""
import hashlib
import re
from pathlib import Path

import pytest
import torch
from torch import nn

from rszoo.apis.download import hash_prefix_from_name
from rszoo.apis.model_zoo import read_checkpoint

from conftest import load_tool


def load_publish_model():
    return load_tool('tools/model_converters/publish_model.py', 'publish_model')


def training_checkpoint(path, with_ema=False):
    """What mmengine's CheckpointHook saves: weights, optimizer, schedulers, message hub."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    net(torch.randn(8, 4))  # moves the BN running stats and num_batches_tracked
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(torch.randn(8, 4)).sum().backward()
    optimizer.step()
    from mmengine.logging import MessageHub
    checkpoint = {
        'meta': {'epoch': 3, 'iter': 30, 'cfg': "model = dict(type='X')\n",
                 'dataset_meta': {'classes': ['a', 'b', 'c']}, 'seed': 1,
                 'hook_msgs': {'last_ckpt': '/somewhere/epoch_3.pth'}},
        'state_dict': net.state_dict(),
        'optimizer': optimizer.state_dict(),
        'param_schedulers': [{'last_epoch': 3}],
        'message_hub': MessageHub.get_instance('publish_test').state_dict(),
    }
    if with_ema:
        checkpoint['ema_state_dict'] = {
            'steps': torch.tensor(30),
            **{f'module.{k}': v + 1 if v.is_floating_point() else v
               for k, v in net.state_dict().items()}}
    torch.save(checkpoint, path)
    return net.state_dict()


def test_publish_drops_training_state_and_names_the_hash(tmp_path, capsys):
    tool = load_publish_model()
    saved = training_checkpoint(tmp_path / 'epoch_3.pth')
    out = tool.main([str(tmp_path / 'epoch_3.pth'), str(tmp_path / 'tiny_aid.pth'),
                     '--base-url', 'https://example.org/rel/v1'])
    path = Path(out)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    assert path.name == f'tiny_aid-{sha[:8]}.pth'
    assert hash_prefix_from_name(path.name) == sha[:8]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['epoch_3.pth', path.name]

    # loads with weights_only=True: only the state_dict and plain meta remain
    raw = torch.load(path, weights_only=True)
    assert set(raw) == {'state_dict', 'meta'}
    assert 'hook_msgs' not in raw['meta']
    assert raw['meta']['dataset_meta'] == {'classes': ['a', 'b', 'c']}
    assert raw['meta']['epoch'] == 3 and raw['meta']['published_dtype'] == 'float32'
    state_dict, meta = read_checkpoint(path)
    assert state_dict.keys() == saved.keys()
    for key, value in saved.items():
        assert torch.equal(state_dict[key], value), key
    assert path.stat().st_size < (tmp_path / 'epoch_3.pth').stat().st_size

    printed = capsys.readouterr().out
    assert f'    Weights: https://example.org/rel/v1/{path.name}\n' in printed
    assert re.search(rf'^      Weights SHA256: {sha}$', printed, re.M)


def test_fp16_halves_float_tensors_only(tmp_path):
    tool = load_publish_model()
    saved = training_checkpoint(tmp_path / 'in.pth')
    out = tool.publish(str(tmp_path / 'in.pth'), str(tmp_path / 'half.pth'), fp16=True)
    state_dict, meta = read_checkpoint(out)
    assert meta['published_dtype'] == 'float16'
    for key, value in saved.items():
        if value.is_floating_point():
            assert state_dict[key].dtype == torch.float16, key
            assert torch.allclose(state_dict[key].float(), value, atol=1e-2), key
        else:  # num_batches_tracked stays an integer
            assert state_dict[key].dtype == value.dtype and torch.equal(state_dict[key], value)
    # a float32 model loads the half-precision file
    net = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    net.load_state_dict(state_dict)
    assert net[0].weight.dtype == torch.float32


def test_ema_weights_replace_raw_ones_unless_no_ema(tmp_path):
    tool = load_publish_model()
    saved = training_checkpoint(tmp_path / 'in.pth', with_ema=True)
    ema, _ = read_checkpoint(tool.publish(str(tmp_path / 'in.pth'), str(tmp_path / 'e.pth')))
    raw, _ = read_checkpoint(tool.publish(str(tmp_path / 'in.pth'), str(tmp_path / 'r.pth'),
                                          no_ema=True))
    assert torch.equal(ema['0.weight'], saved['0.weight'] + 1)
    assert torch.equal(raw['0.weight'], saved['0.weight'])
    assert 'steps' not in ema


def test_errors_name_the_problem(tmp_path):
    tool = load_publish_model()
    with pytest.raises(SystemExit, match='no such checkpoint'):
        tool.main([str(tmp_path / 'absent.pth'), str(tmp_path / 'o.pth')])
    training_checkpoint(tmp_path / 'in.pth')
    with pytest.raises(SystemExit, match='does not exist'):
        tool.main([str(tmp_path / 'in.pth'), str(tmp_path / 'missing_dir' / 'o.pth')])
    torch.save({'a': 1, 'b': 'x'}, tmp_path / 'junk.pth')
    with pytest.raises(SystemExit, match='no "state_dict"'):
        tool.main([str(tmp_path / 'junk.pth'), str(tmp_path / 'o.pth')])
