"""``MultiPositiveContrastiveHead`` (SwiMDiff): the multi-positive InfoNCE by hand."""
import math

import pytest
import torch

from rszoo.models.heads import MultiPositiveContrastiveHead
from rszoo.registry import MODELS

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_multi_positive_infonce_matches_the_formula_by_hand():
    head = MultiPositiveContrastiveHead(temperature=0.5)
    logits = torch.tensor([[0.9, 0.2, 0.6, -0.3], [0.4, 0.8, -0.1, 0.0]])
    pos = torch.tensor([[True, False, True, False], [True, False, False, False]])
    valid = torch.tensor([[True, True, True, True], [True, False, True, True]])
    e = [[math.exp(v / 0.5) for v in row] for row in logits.tolist()]
    l0 = -math.log(((e[0][0] + e[0][2]) / 2) / sum(e[0]))
    l1 = -math.log(e[1][0] / (e[1][0] + e[1][2] + e[1][3]))
    assert head.loss(logits, pos, valid).item() == pytest.approx((l0 + l1) / 2, rel=1e-6)
    # no masks: MoCo's InfoNCE = mmpretrain's ContrastiveHead
    moco = MODELS.build(dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'),
                             temperature=0.5))
    torch.testing.assert_close(head.loss(logits), moco.loss(logits[:, :1], logits[:, 1:]))
    with pytest.raises(ValueError, match='within valid_mask'):
        head.loss(logits, pos, valid & torch.tensor([True, True, False, True]))
    with pytest.raises(ValueError, match='column 0'):
        head.loss(logits, pos & torch.tensor([False, True, True, True]), valid)
