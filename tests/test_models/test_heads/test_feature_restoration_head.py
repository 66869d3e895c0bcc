"""``FeatureRestorationHead`` (SSKDNet's teacher branch): losses, stop-gradient, target norm."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from rszoo.models.heads import FeatureRestorationHead

from helpers.sskdnet import stage_maps

pytestmark = pytest.mark.usefixtures('single_thread_registry')


@pytest.mark.parametrize('restore_loss', ['mse', 'smooth_l1'])
def test_restoration_head_shapes_losses_and_stop_gradient(restore_loss):
    head = FeatureRestorationHead(in_channels=32, target_channels=8, num_classes=5,
                                  hidden_channels=16, restore_loss=restore_loss,
                                  loss_restore_weight=2.0, target_norm='none')
    feats = stage_maps(n=2, requires_grad=True)
    target = torch.randn(2, 8, 16, 16, requires_grad=True)
    restored, logits = head(feats, target.shape[-2:])
    assert restored.shape == (2, 8, 16, 16) and logits.shape == (2, 5)
    loss_r = head.restoration_loss(restored, target)
    ref = (F.mse_loss if restore_loss == 'mse' else F.smooth_l1_loss)(restored, target)
    assert torch.allclose(loss_r, 2.0 * ref)
    samples = [DataSample().set_gt_label(i) for i in (1, 4)]
    loss_c = head.classification_loss(logits, samples)
    assert torch.allclose(loss_c, F.cross_entropy(logits, torch.tensor([1, 4])))
    (loss_r + loss_c).backward()
    assert target.grad is None  # the target is detached (stop-gradient)
    assert feats[-1].grad is not None and feats[-1].grad.abs().sum() > 0
    assert feats[0].grad is None  # only feats[in_index] feeds the branch
    for name, param in head.named_parameters():
        assert param.grad is not None, name
    with pytest.raises(ValueError, match='differ; check target_channels'):
        head.restoration_loss(restored, torch.zeros(2, 4, 16, 16))


def test_restoration_target_is_standardised_per_image_and_channel():
    head = FeatureRestorationHead(in_channels=32, target_channels=2, num_classes=3,
                                  hidden_channels=8)  # target_norm='instance'
    # a map of scale 13 (EfficientNet-Lite0's stride-4 stage): standardised, the
    # loss of a zero prediction is 1 per element, not the map's mean square
    target = 13. * torch.randn(2, 2, 8, 8) + 5.
    zero = torch.zeros_like(target)
    assert torch.allclose(head.restoration_loss(zero, target), torch.tensor(1.), atol=1e-4)
    # hand-computed on one 2x2 map [[0, 2], [4, 6]]: mean 3, var 5
    t = torch.tensor([[[[0., 2.], [4., 6.]]]])
    expected = ((torch.tensor([[[[0., 2.], [4., 6.]]]]) - 3.) / math.sqrt(5 + 1e-6)).pow(2).mean()
    single = FeatureRestorationHead(in_channels=32, target_channels=1, num_classes=3,
                                    hidden_channels=8)
    assert torch.allclose(single.restoration_loss(torch.zeros_like(t), t), expected)
    with pytest.raises(ValueError, match='target_norm'):
        FeatureRestorationHead(in_channels=32, target_channels=2, num_classes=3,
                               target_norm='batch')


def test_restoring_from_a_mid_stage_and_classifying_from_the_deepest():
    """cls_in_index: the restoration trunk reads feats[in_index], the classifier the pooled
    feats[cls_in_index] through its linear layer only."""
    head = FeatureRestorationHead(in_channels=16, in_index=1, cls_in_index=-1,
                                  cls_in_channels=32, target_channels=8, num_classes=5,
                                  hidden_channels=16)
    feats = stage_maps(n=2, requires_grad=True)
    restored, logits = head(feats, (16, 16))
    assert restored.shape == (2, 8, 16, 16) and logits.shape == (2, 5)
    expected = head.fc(feats[-1].mean(dim=(2, 3)))
    assert torch.allclose(logits, expected, atol=1e-6)
    logits.sum().backward()
    assert feats[1].grad is None and feats[-1].grad.abs().sum() > 0
    with pytest.raises(ValueError, match='together'):
        FeatureRestorationHead(in_channels=16, target_channels=8, num_classes=5,
                               cls_in_index=-1)
    with pytest.raises(ValueError, match=r'feats\[1\] has shape'):
        FeatureRestorationHead(in_channels=17, in_index=1, target_channels=8,
                               num_classes=5)(feats, (16, 16))
