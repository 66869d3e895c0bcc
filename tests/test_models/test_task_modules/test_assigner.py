"""FCOSAssigner: known boxes and points -> known assignment."""
import pytest
import torch

from rszoo.models.task_modules import FCOSAssigner

INF = 1e8


def _points(xy):
    return torch.tensor(xy, dtype=torch.float32)


def test_inside_box_and_smallest_area_wins():
    # big box 0..40 and small box 10..20 (class 1) overlapping at (15, 15)
    gt = torch.tensor([[0., 0., 40., 40.], [10., 10., 20., 20.]])
    labels = torch.tensor([0, 1])
    points = _points([[15, 15], [30, 30], [50, 50], [5, 5]])
    ranges = torch.tensor([[-1, INF]] * 4)
    strides = torch.full((4, ), 8.)
    result = FCOSAssigner(center_sampling=False).assign(points, gt, labels, ranges, strides)
    # (15,15) is in both -> the smaller box (index 2, 1-based); (30,30) and (5,5)
    # only in the big one; (50,50) outside both
    assert result.gt_inds.tolist() == [2, 1, 0, 1]
    assert result.labels.tolist() == [1, 0, -1, 0]
    assert result.num_pos == 3 and result.num_gts == 2


def test_regress_range_splits_levels():
    gt = torch.tensor([[0., 0., 100., 100.]])
    points = _points([[50, 50], [50, 50]])
    # max(l, t, r, b) = 50: only the second range (32, 64] holds it
    ranges = torch.tensor([[-1., 32.], [32., 64.]])
    result = FCOSAssigner(center_sampling=False).assign(
        points, gt, torch.tensor([0]), ranges, torch.tensor([8., 16.]))
    assert result.gt_inds.tolist() == [0, 1]


def test_center_sampling_radius():
    gt = torch.tensor([[0., 0., 64., 64.]])  # centre (32, 32)
    points = _points([[32, 32], [40, 32], [44, 32], [4, 4]])
    ranges = torch.tensor([[-1, INF]] * 4)
    strides = torch.full((4, ), 8.)
    # radius 1.5 * 8 = 12: the centre region is 20..44 (open), so x = 44 is out
    result = FCOSAssigner(center_sampling=True, center_sample_radius=1.5).assign(
        points, gt, torch.tensor([0]), ranges, strides)
    assert result.gt_inds.tolist() == [1, 1, 0, 0]
    # without centre sampling every inside point is positive
    result = FCOSAssigner(center_sampling=False).assign(
        points, gt, torch.tensor([0]), ranges, strides)
    assert result.gt_inds.tolist() == [1, 1, 1, 1]


def test_no_gt_and_bad_shapes():
    points = _points([[1, 1], [2, 2]])
    result = FCOSAssigner().assign(points, torch.zeros(0, 4), torch.zeros(0, dtype=torch.long),
                                   torch.tensor([[-1, INF]] * 2), torch.full((2, ), 8.))
    assert result.gt_inds.tolist() == [0, 0] and result.labels.tolist() == [-1, -1]
    with pytest.raises(ValueError, match='regress_ranges'):
        FCOSAssigner().assign(points, torch.zeros(1, 4), torch.zeros(1, dtype=torch.long),
                              torch.zeros(3, 2), torch.full((2, ), 8.))
