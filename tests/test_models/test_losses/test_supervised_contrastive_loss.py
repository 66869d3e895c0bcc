"""``SupervisedContrastiveLoss`` (MCFA): same-set and cross-set values by hand, the gradient."""
import math

import pytest
import torch

from rszoo.models.losses import SupervisedContrastiveLoss

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_contrastive_loss_same_set_hand_computed():
    # a=[1,0], b=[0,1], c=[1,1]; labels 0,0,1; tau=1, dot product.
    # anchor a: positives {b}: -log(e^0 / (e^0 + e^1)) = log(1 + e); same for b;
    # c has no positive -> no term. Mean = log(1 + e).
    z = torch.tensor([[1., 0.], [0., 1.], [1., 1.]])
    loss = SupervisedContrastiveLoss(temperature=1.0, similarity='dot')(z, torch.tensor([0, 0, 1]))
    assert loss.item() == pytest.approx(math.log(1 + math.e), rel=1e-6)


def test_contrastive_loss_cross_set_hand_computed():
    # anchors a=[1,0] (0), b=[0,1] (1); candidates a (0), c=[1,1] (0), b (1); tau=2, dot.
    # anchor a: s/tau = (.5, .5, 0), positives {a, c}: mean e^.5 / (2e^.5 + 1)
    # anchor b: s/tau = (0, .5, .5), positives {b}:     e^.5 / (1 + 2e^.5)
    # loss = log(2 + e^-.5) for both.
    anchors = torch.tensor([[1., 0.], [0., 1.]])
    cands = torch.tensor([[1., 0.], [1., 1.], [0., 1.]])
    loss = SupervisedContrastiveLoss(temperature=2.0, similarity='dot')(
        anchors, torch.tensor([0, 1]), cands, torch.tensor([0, 0, 1]))
    assert loss.item() == pytest.approx(math.log(2 + math.exp(-0.5)), rel=1e-6)
    # cosine similarity is the dot product of the normalised vectors
    cos = SupervisedContrastiveLoss(temperature=2.0)(anchors * 3, torch.tensor([0, 1]),
                                                     cands * 5, torch.tensor([0, 0, 1]))
    ref = SupervisedContrastiveLoss(temperature=2.0, similarity='dot')(
        anchors, torch.tensor([0, 1]), torch.nn.functional.normalize(cands, dim=1),
        torch.tensor([0, 0, 1]))
    assert torch.allclose(cos, ref)
    with pytest.raises(ValueError, match='candidate_labels'):
        SupervisedContrastiveLoss()(anchors, torch.tensor([0, 1]), cands)


def test_contrastive_loss_gradient_pulls_positives_together():
    z = torch.tensor([[1., 0.], [0.8, 0.6], [0., 1.]], requires_grad=True)
    loss = SupervisedContrastiveLoss(temperature=0.5)(z, torch.tensor([0, 0, 1]))
    loss.backward()
    step = z.detach() - 0.1 * z.grad
    before = torch.cosine_similarity(z[0:1], z[1:2]).item()
    after = torch.cosine_similarity(step[0:1], step[1:2]).item()
    assert after > before


def test_contrastive_loss_sum_reduction_is_the_authors_hand_computed():
    # MCFA's code sums the -log ratios over the anchors (reduction='sum'):
    # same-set example above: anchors a and b each log(1 + e), c has no term -> 2 log(1 + e)
    z = torch.tensor([[1., 0.], [0., 1.], [1., 1.]])
    loss = SupervisedContrastiveLoss(temperature=1.0, similarity='dot', reduction='sum')(
        z, torch.tensor([0, 0, 1]))
    assert loss.item() == pytest.approx(2 * math.log(1 + math.e), rel=1e-6)
    # cross-set example above: two anchors, each log(2 + e^-.5)
    anchors = torch.tensor([[1., 0.], [0., 1.]])
    cands = torch.tensor([[1., 0.], [1., 1.], [0., 1.]])
    loss = SupervisedContrastiveLoss(temperature=2.0, similarity='dot', reduction='sum')(
        anchors, torch.tensor([0, 1]), cands, torch.tensor([0, 0, 1]))
    assert loss.item() == pytest.approx(2 * math.log(2 + math.exp(-0.5)), rel=1e-6)
    # semantic -> visual with cosine: class vectors [1,0], [0,1] against 4 images (two per
    # class, on the axes); tau 2: each class -log(e^.5 / (2 e^.5 + 2)), summed over 2
    sem = torch.tensor([[1., 0.], [0., 1.]])
    img = torch.tensor([[3., 0.], [1., 0.], [0., 2.], [0., 5.]])
    loss = SupervisedContrastiveLoss(temperature=2.0, reduction='sum')(
        sem, torch.tensor([0, 1]), img, torch.tensor([0, 0, 1, 1]))
    h = math.exp(0.5)
    assert loss.item() == pytest.approx(2 * -math.log(h / (2 * h + 2)), rel=1e-6)
    assert SupervisedContrastiveLoss().reduction == 'mean'  # the default is unchanged
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum'"):
        SupervisedContrastiveLoss(reduction='none')
