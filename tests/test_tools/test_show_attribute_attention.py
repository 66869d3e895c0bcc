"""``tools/visualization/show_attribute_attention.py``: DSVA's attribute attention maps as a
PNG.
"""
import numpy as np
import pytest
import torch
from PIL import Image

from rszoo.registry import MODELS

from conftest import load_tool
from helpers.dsva import CLASSES, NUM_ATTR, TINY_VIT, class_matrix

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_show_attribute_attention_writes_png(dsva_split_file, tmp_path, capsys):
    matrix_path = tmp_path / 'attrs.npy'
    np.save(matrix_path, class_matrix())
    (tmp_path / 'attrs.txt').write_text('\n'.join(CLASSES) + '\n')
    names = ['water', 'sand', 'trees', 'roads', 'roofs']
    (tmp_path / 'attrs.attributes.txt').write_text('\n'.join(names) + '\n')
    model_cfg = dict(type='DSVA', class_split=dsva_split_file,
                     class_attributes=str(matrix_path),
                     backbone=TINY_VIT,
                     concentration=dict(type='AttentionConcentration', top_k=2),
                     data_preprocessor=dict(type='ClsDataPreprocessor', mean=[127.5] * 3,
                                            std=[127.5] * 3, to_rgb=True))
    pipeline = [dict(type='LoadRSImage'), dict(type='Resize', scale=(32, 32)),
                dict(type='PackInputs')]
    config = tmp_path / 'dsva_tiny.py'
    config.write_text(f'default_scope = "rszoo"\nmodel = {model_cfg!r}\n'
                      f'test_dataloader = dict(dataset=dict(type="ZeroShotDataset", '
                      f'pipeline={pipeline!r}))\n')
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    assert model.attribute_names == names  # the .attributes.txt sidecar
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
    image = tmp_path / 'scene.png'
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8)) \
        .save(image)
    tool = load_tool('tools/visualization/show_attribute_attention.py', 'show_attention')
    out = tmp_path / 'pics' / 'attention.png'
    assert tool.main([str(config), str(checkpoint), str(image), '--attributes', '3', '--out',
                      str(out), '--save-maps', str(tmp_path / 'maps.npz')]) == 0
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    with Image.open(out) as picture:
        assert picture.size[0] > 200
    maps = np.load(tmp_path / 'maps.npz')
    assert maps['attention'].shape == (NUM_ATTR, 4, 4) and list(maps['attributes']) == names
    printed = capsys.readouterr().out
    assert 'top attributes' in printed and str(out) in printed
