"""FLOPs and BOPs counted on the built modules (rszoo/models/compression/bops.py): a
hand-computed network where the stem reads the 32-bit image, one conv reads a 2-bit input
through its own quantizer, one plain conv reads the output of an ActivationQuantizer, and a
linear reads full-precision features; switches off -> 32 x 32 everywhere."""
import torch
from torch import nn

from rszoo.models.compression import (ActivationQuantizer, BOPsCounter, QuantConv2d,
                                      bops_summary, set_fake_quant)


def hand_net():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 2, 3, padding=1, bias=False),       # 0: stem, reads the image
        nn.ReLU(),
        QuantConv2d(2, 3, 1, bias=False, weight_bits=4, input_bits=2),   # 2
        ActivationQuantizer(3),                            # 3
        nn.Conv2d(3, 4, 3, padding=1, groups=1),           # 4: plain, reads a 3-bit tensor
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(4, 5),                                   # 7: reads pooled 32-bit features
    )


def test_bops_of_a_hand_computed_network():
    net = hand_net()
    set_fake_quant(net, weights=True, activations=True)
    counts = BOPsCounter((3, 4, 4))(net)
    rows = {r['name']: r for r in counts['layers']}
    # MACs = H_out * W_out * C_out * C_in * k_h * k_w (one image, 4 x 4)
    assert rows['0']['macs'] == 16 * 2 * 3 * 9 == 864
    assert (rows['0']['weight_bits'], rows['0']['input_bits']) == (32, 32)  # the image
    assert rows['0']['bops'] == 864 * 32 * 32
    assert rows['2']['macs'] == 16 * 3 * 2 * 1 == 96
    assert (rows['2']['weight_bits'], rows['2']['input_bits']) == (4, 2)
    assert rows['2']['bops'] == 96 * 4 * 2
    assert rows['4']['macs'] == 16 * 4 * 3 * 9 == 1728
    assert (rows['4']['weight_bits'], rows['4']['input_bits']) == (32, 3)
    assert rows['4']['bops'] == 1728 * 32 * 3
    assert rows['7']['macs'] == 4 * 5 and rows['7']['bops'] == 20 * 32 * 32
    assert counts['flops'] == 864 + 96 + 1728 + 20
    assert counts['bops'] == 864 * 1024 + 96 * 8 + 1728 * 96 + 20 * 1024
    summary = bops_summary(counts, dense_flops=counts['flops'])
    assert summary['bops_compression'] == counts['flops'] * 1024 / counts['bops']


def test_switched_off_quantizers_count_32_bits():
    net = hand_net()
    counts = BOPsCounter((3, 4, 4))(net)  # QuantConv2d off: 32 x 32; the standalone
    rows = {r['name']: r for r in counts['layers']}  # ActivationQuantizer still quantizes
    assert (rows['2']['weight_bits'], rows['2']['input_bits']) == (32, 32)
    assert rows['2']['bops'] == 96 * 1024
    set_fake_quant(net, weights=True, activations=False)
    rows = {r['name']: r for r in BOPsCounter((3, 4, 4))(net)['layers']}
    assert (rows['2']['weight_bits'], rows['2']['input_bits']) == (4, 32)
    assert net.training  # the counter restores the mode


def test_grouped_conv_and_strided_output_sizes():
    net = nn.Sequential(nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=2))
    rows = BOPsCounter((4, 8, 8))(net)['layers']
    # out 4 x 4, C_in / groups = 2 inputs per output channel, 3 x 3 kernel
    assert rows[0]['macs'] == 16 * 8 * 2 * 9 and rows[0]['out_size'] == (4, 4)
