"""``OpenCLIPVisionTower``: patch tokens of a tiny random open_clip vision tower, as DSVA's
backbone; pretrained weights must be a local checkpoint.
"""
import pytest
import torch

from rszoo.models.backbones import OpenCLIPVisionTower
from rszoo.registry import MODELS

from helpers.class_embeddings import TINY_CLIP
from helpers.dsva import NUM_ATTR, tiny_dsva

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_open_clip_vision_tower_backbone(dsva_split_file):
    tower = MODELS.build(dict(type='OpenCLIPVisionTower', model_cfg=TINY_CLIP))
    assert isinstance(tower, OpenCLIPVisionTower) and tower.embed_dims == 32
    (tokens, ) = tower(torch.randn(2, 3, 32, 32))
    assert tokens.shape == (2, 4, 32)  # 2 x 2 patches of 16 px, CLS dropped
    model = tiny_dsva(dsva_split_file,
                      backbone=dict(type='OpenCLIPVisionTower', model_cfg=TINY_CLIP),
                      concentration=None)
    out = model.forward_branches(torch.randn(2, 3, 32, 32))
    assert out['mapping']['attention'].shape == (2, NUM_ATTR, 2, 2)
    with pytest.raises(ValueError, match='not a local checkpoint'):
        OpenCLIPVisionTower(model_cfg=TINY_CLIP, pretrained='laion2b_s34b_b79k')
