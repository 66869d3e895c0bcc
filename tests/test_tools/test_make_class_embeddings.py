"""``tools/zeroshot/make_class_embeddings.py``: an attribute matrix through ``--type`` /
a config file, class lists from a file or a split, ``--cfg-options`` values.
"""

import numpy as np
import pytest

from rszoo.models.class_embeddings import AttributeMatrixEmbedding

from conftest import load_tool
from helpers.class_embeddings import ATTR

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_make_class_embeddings_tool(tmp_path, capsys):
    tool = load_tool('tools/zeroshot/make_class_embeddings.py', 'make_class_embeddings')
    att = tmp_path / 'att.csv'
    att.write_text('class,water,sand,trees\nBeach,1,0,2\nDesert,0,1,0\nForest,3,3,3\n')
    classes = tmp_path / 'classes.txt'
    classes.write_text('Forest\nBeach\n')
    out = tmp_path / 'out' / 'emb.npy'
    assert tool.main(['--type', 'AttributeMatrixEmbedding', '--cfg-options', f'path={att}',
                      '--classes-file', str(classes), '--out', str(out)]) == 0
    np.testing.assert_array_equal(np.load(out), ATTR[[2, 0]].astype(np.float32))
    assert (tmp_path / 'out' / 'emb.txt').read_text().split() == ['Forest', 'Beach']
    assert '2 classes x 3 dims' in capsys.readouterr().out
    # the written pair reads back through the .npy sidecar convention
    back = AttributeMatrixEmbedding(str(out))(['Beach'])
    np.testing.assert_array_equal(back, ATTR[[0]])
    # from a config file and a split file
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f'class_embedding = dict(type="AttributeMatrixEmbedding", path="{att}",'
                   f' aliases=dict(Airport="Beach", BareLand="Desert"))\n')
    split = tmp_path / 'split.json'
    split.write_text('{"dataset": "x", "classes": ["Airport", "BareLand"], '
                     '"seen": ["Airport"], "unseen": ["BareLand"]}')
    tool.main([str(cfg), '--classes-from', str(split), '--out', str(tmp_path / 'e2')])
    np.testing.assert_array_equal(np.load(tmp_path / 'e2.npy'), ATTR[[0, 1]])
    # --cfg-options values: Python literals, spaces kept
    assert tool.parse_value('True') is True and tool.parse_value('[1, 2]') == [1, 2]
    assert tool.parse_value('an aerial image of {}.') == 'an aerial image of {}.'
    classes.write_text('Sandy Shore\n')
    tool.main(['--type', 'AttributeMatrixEmbedding', '--cfg-options', f'path={att}',
               "aliases={'Sandy Shore': 'Beach'}", 'normalize=True', '--classes-file',
               str(classes), '--out', str(tmp_path / 'e3.npy')])
    np.testing.assert_allclose(np.load(tmp_path / 'e3.npy'), [[1 / 5 ** .5, 0, 2 / 5 ** .5]],
                               rtol=1e-6)
    with pytest.raises(SystemExit, match='CONFIG file or --type'):
        tool.main(['--classes-file', str(classes), '--out', str(out)])
