"""``tools/zeroshot/annotate_attributes.py`` on 3 class folders of tiny PNGs (random tiny
open_clip).
"""
import json

import numpy as np
import pytest

from conftest import load_tool
from helpers.class_embeddings import TINY_CLIP

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_annotate_attributes_tool(dsva_image_folder, tmp_path, capsys):
    tool = load_tool('tools/zeroshot/annotate_attributes.py', 'annotate_attributes_tool')
    cfg_file = tmp_path / 'clip.json'
    cfg_file.write_text(json.dumps(TINY_CLIP))
    vocab = tmp_path / 'vocab.txt'
    vocab.write_text('# test vocabulary\n## group: things\nwater\nsand\n\ndense trees\n')
    out = tmp_path / 'out' / 'attrs.npy'
    argv = ['--dataset', 'RSSceneDataset', '--data-root', str(dsva_image_folder), '--model-cfg',
            str(cfg_file), '--vocabulary', str(vocab), '--out', str(out), '--no-progress']
    with pytest.raises(SystemExit, match='no --pretrained'):
        tool.main(argv)
    assert tool.main(argv + ['--allow-random-weights', '--max-per-class', '1']) == 0
    assert '3 classes x 3 attributes' in capsys.readouterr().out
    matrix = np.load(out)
    assert matrix.shape == (3, 3) and np.isfinite(matrix).all()
    assert open(tmp_path / 'out' / 'attrs.txt').read().split() == ['Beach', 'Forest', 'Port']
    meta = json.load(open(tmp_path / 'out' / 'attrs.meta.json'))
    assert meta['images_per_class'] == {'Beach': 1, 'Forest': 1, 'Port': 1}
