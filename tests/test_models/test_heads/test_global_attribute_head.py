"""``GlobalAttributeHead`` (DSVA's global branch): LayerNorm of the mean token, then a linear
map.
"""
import pytest
import torch
import torch.nn.functional as F

from rszoo.models.heads import GlobalAttributeHead
from rszoo.registry import MODELS

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_global_attribute_head():
    head = MODELS.build(dict(type='GlobalAttributeHead', in_channels=8, num_attributes=3))
    assert isinstance(head, GlobalAttributeHead)
    tokens = torch.randn(2, 6, 8)
    expected = head.fc(F.layer_norm(tokens.mean(1), (8, ), head.norm.weight, head.norm.bias))
    torch.testing.assert_close(head(tokens), expected)
    assert head(tokens).shape == (2, 3)
