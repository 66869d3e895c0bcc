"""DIAnetHead: IAM (AWCA + stage-1 skip + PSNL) and the 1x1 classifier."""
import pytest
import torch
from mmengine.structures import PixelData

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.heads import DIAnetHead  # noqa: E402
from rszoo.structures import SegDataSample  # noqa: E402

IN = (16, 4, 8, 16, 32)


def feats(n=2, size=12):
    return (torch.randn(n, 16, size, size), torch.randn(n, 4, size, size),
            torch.randn(n, 8, size // 2, size // 2), torch.randn(n, 16, size // 4, size // 4),
            torch.randn(n, 32, 2, 2))


def samples(n=2, size=12, k=3):
    out = []
    for _ in range(n):
        s = SegDataSample()
        s.gt_sem_seg = PixelData(data=torch.randint(0, k, (1, size, size)))
        out.append(s)
    return out


def test_logits_at_branch0_resolution_and_channels():
    head = DIAnetHead(in_channels=IN, num_classes=3)
    assert head.channels == 4 + 8 + 16 + 32
    assert head.spatial_attention.channels == 60 and head.channel_attention.channels == 4
    assert head(feats()).shape == (2, 3, 12, 12)


def test_loss_fills_num_classes_and_logs_accuracy():
    head = DIAnetHead(in_channels=IN, num_classes=3)
    assert head.loss_decode[0].num_classes == 3  # ACWLoss built with the head's K
    losses = head.loss(feats(), samples())
    assert set(losses) == {'loss_acw', 'acc_seg'}
    losses['loss_acw'].backward()
    assert head.conv_seg.weight.grad.abs().sum() > 0
    assert head.skip[0].weight.grad.abs().sum() > 0
    assert head.channel_attention.conv.weight.grad.abs().sum() > 0


def test_ablations_and_plain_ce():
    head = DIAnetHead(in_channels=IN, num_classes=3, channel_attention=None, skip=False,
                      spatial_attention=None,
                      loss_decode=dict(type='SegCrossEntropyLoss', loss_name='loss_ce'))
    assert head.channel_attention is None and head.skip is None
    assert set(head.loss(feats(), samples())) == {'loss_ce', 'acc_seg'}


def test_errors():
    with pytest.raises(ValueError, match='num_classes=5 but the head has 3'):
        DIAnetHead(in_channels=IN, num_classes=3, loss_decode=dict(type='ACWLoss', num_classes=5))
    head = DIAnetHead(in_channels=IN, num_classes=3)
    with pytest.raises(ValueError, match='expected 5 feature maps'):
        head(feats()[:4])
