"""PIC-PQ's bit widths (rszoo/models/compression/bit_assignment.py):
bit_l = Bmax_l if s_l == 1 else Bmax_l - ceil(lambda / s_l) on known s_l, the L1-mass ratio
s_l (input-channel pruning lowers it too), Bmax per stage, and the clear errors."""
import pytest
import torch
from torch import nn

from rszoo.models.compression import (PICBitAllocator, assign_bit, expand_bmax,
                                      l1_mass_ratio)


@pytest.mark.parametrize('bmax, s, lam, expected', [
    (8, 1.0, 1 / 6, 8),          # unpruned: Bmax
    (8, 0.5, 1 / 6, 7),          # ceil(1/3) = 1
    (8, 1 / 6, 1 / 6, 7),        # ceil(1.0) = 1 (s >= lambda costs one bit)
    (8, 0.1, 1 / 6, 6),          # ceil(1.67) = 2
    (6, 0.05, 1 / 6, 2),         # ceil(3.33) = 4
    (4, 0.05, 1 / 6, 2),         # 4 - 4 = 0 -> clamped to min_bits 2
    (4, 0.3, 0.0, 4),            # lambda 0: uniform Bmax (the 8-bit baseline)
    (32, 0.2, 1 / 6, 32),        # Bmax 32 = full precision, stays 32
])
def test_bit_formula_on_known_s(bmax, s, lam, expected):
    assert assign_bit(bmax, s, lam) == expected


def test_bit_formula_errors():
    with pytest.raises(ValueError, match=r's_l must be in \(0, 1\]'):
        assign_bit(8, 0.0, 1 / 6)
    with pytest.raises(ValueError, match='lambda must be >= 0'):
        assign_bit(8, 0.5, -1)


def test_l1_mass_ratio_counts_output_and_input_pruning():
    dense = torch.tensor([[1.0, -1.0], [2.0, 0.0], [-4.0, 2.0]]).view(3, 2, 1, 1)  # sum 10
    assert l1_mass_ratio(dense, dense.clone()) == 1.0
    assert l1_mass_ratio(dense, dense[[0, 2]]) == pytest.approx(8 / 10)      # a filter gone
    assert l1_mass_ratio(dense, dense[:, [0]]) == pytest.approx(7 / 10)      # an input gone
    with pytest.raises(ValueError, match='does not fit'):
        l1_mass_ratio(dense, torch.zeros(4, 2, 1, 1))


def test_expand_bmax_forms():
    names = ['backbone.conv1', 'backbone.layer1.0.conv1', 'backbone.layer2.0.conv1',
             'backbone.layer2.0.downsample.0']
    assert expand_bmax(8, names) == [8, 8, 8, 8]
    assert expand_bmax([32, 8, 6], names) == [32, 8, 6, 6]      # stem, then per stage
    assert expand_bmax([32, 8, 6, 4], names) == [32, 8, 6, 4]   # one per conv
    with pytest.raises(ValueError, match=r'expected one int, 4 values .* or 3'):
        expand_bmax([8, 8], names)
    with pytest.raises(ValueError, match='bmax of backbone.conv1'):
        expand_bmax(1, names)


def test_allocator_on_a_pruned_pair():
    dense = nn.Sequential(nn.Conv2d(1, 4, 1, bias=False), nn.Conv2d(4, 2, 1, bias=False))
    with torch.no_grad():
        dense[0].weight.fill_(1.0)
        dense[1].weight.fill_(1.0)
    pruned = nn.Sequential(nn.Conv2d(1, 1, 1, bias=False), nn.Conv2d(1, 2, 1, bias=False))
    with torch.no_grad():
        pruned[0].weight.fill_(1.0)
        pruned[1].weight.fill_(1.0)
    out = PICBitAllocator(bmax=[8, 6], lam=1 / 6)(dense, pruned, ['0', '1'])
    assert out['0']['s'] == pytest.approx(0.25) and out['0']['bits'] == 8 - 1
    assert out['1']['s'] == pytest.approx(0.25) and out['1']['bits'] == 6 - 1
    assert not out['0']['clamped']
