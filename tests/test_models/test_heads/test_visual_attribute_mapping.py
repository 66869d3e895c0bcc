"""``VisualAttributeMapping`` (DSVA): attribute scores and attention maps from patch tokens."""
import pytest
import torch

from rszoo.models.heads import VisualAttributeMapping
from rszoo.registry import MODELS

from helpers.dsva import NUM_ATTR

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_visual_attribute_mapping_hand_computed():
    mapping = VisualAttributeMapping(in_channels=2, num_attributes=2)
    with torch.no_grad():
        mapping.prototypes.copy_(torch.tensor([[1., 0.], [0., 1.]]))
    tokens = torch.tensor([[[1., 0.], [0., 2.], [3., 1.], [0., 0.]]])  # 2 x 2 grid
    out = mapping(tokens, (2, 2))
    logits = torch.tensor([[[1., 0., 3., 0.], [0., 2., 1., 0.]]])
    torch.testing.assert_close(out['logits'], logits.view(1, 2, 2, 2))
    torch.testing.assert_close(out['scores'], torch.tensor([[3., 2.]]))  # max over patches
    torch.testing.assert_close(out['attention'], logits.softmax(-1).view(1, 2, 2, 2))
    mapping.pooling = 'attention'
    weighted = (logits.softmax(-1) * logits).sum(-1)
    torch.testing.assert_close(mapping(tokens, (2, 2))['scores'], weighted)
    mapping.pooling = 'mean'
    torch.testing.assert_close(mapping(tokens, (2, 2))['scores'], torch.tensor([[1., .75]]))
    with pytest.raises(ValueError, match='grid 3 x 2'):
        mapping(tokens, (3, 2))
    with pytest.raises(ValueError, match='pooling'):
        VisualAttributeMapping(2, 2, pooling='sum')


def test_mapping_shapes_and_attention_sums_to_one():
    mapping = MODELS.build(dict(type='VisualAttributeMapping', in_channels=32,
                                num_attributes=NUM_ATTR, init_scale=1.0))
    out = mapping(torch.randn(2, 12, 32), (3, 4))
    assert out['attention'].shape == (2, NUM_ATTR, 3, 4) and out['scores'].shape == (2, 5)
    torch.testing.assert_close(out['attention'].sum(dim=(2, 3)), torch.ones(2, NUM_ATTR))
    assert (out['attention'] >= 0).all()
