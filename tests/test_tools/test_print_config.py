"""tools/misc/print_config.py: the resolved config, --cfg-options checked, --out."""
import json

import pytest
from mmengine.config import Config

from conftest import load_tool

TINY = 'tests/configs/tiny_resnet_aid150.py'


tool = load_tool('tools/misc/print_config.py')


def test_prints_the_resolved_config_with_overrides(capsys, tmp_path):
    cfg = tool.main([TINY, '--cfg-options', 'train_cfg.max_epochs=7',
                     '+model.backbone.drop_path_rate=0.1'])
    text = capsys.readouterr().out
    # _base_ merged (model from resnet18_30cls.py, runtime from default_runtime.py)
    assert "type='ImageClassifier'" in text and "default_scope = 'rszoo'" in text
    assert '_base_' not in text
    assert 'max_epochs=7' in text and 'drop_path_rate=0.1' in text
    assert cfg.train_cfg.max_epochs == 7
    # what is printed is a config that loads back to the same thing
    printed = tmp_path / 'printed.py'
    printed.write_text(text)
    assert Config.fromfile(str(printed)).to_dict() == cfg.to_dict()


@pytest.mark.parametrize('ext', ['.py', '.json', '.yaml'])
def test_out_writes_the_resolved_config(tmp_path, capsys, ext):
    out = tmp_path / f'resolved{ext}'
    cfg = tool.main([TINY, '--cfg-options', 'train_cfg.max_epochs=3', '--out', str(out)])
    if ext == '.json':
        assert json.loads(out.read_text())['train_cfg']['max_epochs'] == 3
    else:
        assert Config.fromfile(str(out)).to_dict() == cfg.to_dict()
    assert f'written to {out}' in capsys.readouterr().out


def test_errors(tmp_path):
    with pytest.raises(KeyError, match='did you mean'):
        tool.main([TINY, '--cfg-options', 'train_cfg.max_epoch=3'])
    with pytest.raises(FileNotFoundError, match='does not exist'):
        tool.main([str(tmp_path / 'nope.py')])
    with pytest.raises(SystemExit):
        tool.parse_args([TINY, '--out', str(tmp_path / 'x.txt')])
