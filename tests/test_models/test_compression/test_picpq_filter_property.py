"""PIC-PQ's filter property (rszoo/models/compression/filter_property.py): the matrix rank of
hand-made feature maps, its average over the images of several batches through forward
hooks, and the magnitude baseline's L1 norm."""
import pytest
import torch
from torch import nn

from rszoo.models.compression import FeatureMapRank, L1FilterNorm, feature_map_rank


def maps_with_ranks(ranks, size=4):
    """One 1 x C x size x size tensor whose channel c has rank ranks[c] (diagonal of ones,
    shuffled by a fixed permutation so it is not just a diagonal)."""
    perm = torch.tensor([2, 0, 3, 1])[:size]
    channels = []
    for r in ranks:
        diag = torch.zeros(size)
        diag[:r] = 1.0
        channels.append(torch.diag(diag)[perm] * 3.0)
    return torch.stack(channels)[None]


def test_rank_of_hand_made_maps():
    x = torch.zeros(1, 4, 4, 4)
    x[0, 1] = torch.outer(torch.tensor([1.0, 2, 3, 4]), torch.tensor([1.0, -1, 0.5, 2]))
    x[0, 2] = torch.eye(4)
    x[0, 3] = torch.diag(torch.tensor([1.0, 1.0, 0.0, 0.0]))
    assert feature_map_rank(x).tolist() == [[0, 1, 4, 2]]
    assert feature_map_rank(maps_with_ranks([3, 1])).tolist() == [[3, 1]]
    with pytest.raises(ValueError, match=r'N x C x H x W'):
        feature_map_rank(torch.zeros(4, 4))


class Identity1x1(nn.Module):
    """A 1x1 conv copying its 2 input channels: its output maps are the input maps."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 1, bias=False)
        with torch.no_grad():
            self.conv.weight.copy_(torch.eye(2).view(2, 2, 1, 1))

    def forward(self, x):
        return self.conv(x)


def test_feature_map_rank_averages_over_all_images_of_the_used_batches():
    model = Identity1x1()
    batch1 = torch.cat([maps_with_ranks([1, 4]), maps_with_ranks([3, 2])])   # 2 images
    batch2 = maps_with_ranks([2, 3])                                          # 1 image
    batch3 = maps_with_ranks([4, 4])                                          # not used
    fp = FeatureMapRank(num_batches=2)(model, [batch1, batch2, batch3], ['conv'])
    assert fp['conv'].dtype == torch.float64
    assert torch.allclose(fp['conv'], torch.tensor([(1 + 3 + 2) / 3, (4 + 2 + 3) / 3],
                                                   dtype=torch.float64))
    assert not model.conv._forward_hooks  # hooks removed
    with pytest.raises(RuntimeError, match='no output seen'):
        FeatureMapRank(1)(model, [], ['conv'])


def test_l1_filter_norm():
    conv = nn.Conv2d(2, 3, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[1.0, -2.0], [0.5, 0.5], [0.0, -3.0]]).view(3, 2, 1, 1))
    out = L1FilterNorm()(nn.Sequential(conv), None, ['0'])
    assert out['0'].tolist() == [3.0, 1.0, 3.0]
