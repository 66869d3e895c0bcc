"""DistancePointBBoxCoder round trip and MlvlPointGenerator layout."""
import pytest
import torch

from rszoo.models.task_modules import DistancePointBBoxCoder, MlvlPointGenerator


def test_encode_known_and_round_trip():
    coder = DistancePointBBoxCoder()
    points = torch.tensor([[15., 12.], [3., 4.]])
    boxes = torch.tensor([[10., 10., 20., 30.], [0., 0., 8., 8.]])
    dist = coder.encode(points, boxes)
    assert dist.tolist() == [[5., 2., 5., 18.], [3., 4., 5., 4.]]
    assert torch.allclose(coder.decode(points, dist), boxes)
    g = torch.Generator().manual_seed(0)
    pts = torch.rand(50, 2, generator=g) * 100
    d = torch.rand(50, 4, generator=g) * 30
    assert torch.allclose(coder.encode(pts, coder.decode(pts, d)), d, atol=1e-4)


def test_decode_clips_and_max_dis():
    coder = DistancePointBBoxCoder()
    box = coder.decode(torch.tensor([[5., 5.]]), torch.tensor([[10., 10., 10., 10.]]),
                       max_shape=(12, 8))
    assert box.tolist() == [[0., 0., 8., 12.]]
    dist = coder.encode(torch.tensor([[5., 5.]]), torch.tensor([[-100., 0., 6., 6.]]),
                        max_dis=16, eps=0.1)
    assert dist.tolist()[0][0] == pytest.approx(15.9)
    with pytest.raises(ValueError, match='must match'):
        coder.encode(torch.zeros(3, 2), torch.zeros(2, 4))


def test_point_generator_layout():
    gen = MlvlPointGenerator(strides=(8, 16), offset=0.5)
    p3, p4 = gen.grid_priors([(2, 3), (1, 2)])
    # row-major, x fastest, cell centres
    assert p3.tolist() == [[4, 4], [12, 4], [20, 4], [4, 12], [12, 12], [20, 12]]
    assert p4.tolist() == [[8, 8], [24, 8]]
    with pytest.raises(ValueError, match='strides'):
        gen.grid_priors([(2, 2)])
