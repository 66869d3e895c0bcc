"""The hidden layers of the (CADA-)VAE encoders and decoders."""
from typing import Sequence, Tuple, Union

from torch import nn


def hidden_mlp(in_channels: int,
               hidden_channels: Union[int, Sequence[int]]) -> Tuple[nn.Sequential, int]:
    """``(Linear + ReLU per hidden width, the last width)``; ``hidden_channels``
    is one width or a sequence of widths."""
    widths = [hidden_channels] if isinstance(hidden_channels, int) else list(hidden_channels)
    layers, width = [], in_channels
    for h in widths:
        layers += [nn.Linear(width, h), nn.ReLU(inplace=True)]
        width = h
    return nn.Sequential(*layers), width
