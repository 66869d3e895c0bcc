"""Frequency-domain parser: a learnable filter applied in the Fourier domain.

The MDFL abstract (Li et al., "MDFL: Multi-Domain Diffusion-Driven Feature
Learning", AAAI-24, arXiv 2311.09520) names a "frequency domain parser" but its
code is unpublished (``LDXDU/MDFL-AAAI-24`` holds only a README). The closest
public code by the same first author is FedDiff's ``Conditioning`` block
(``LDXDU/FedDiff`` ``unet.py``, class ``Conditioning``): FFT2 over the spatial
axes, 1 x 1 conv on the real part, inverse FFT2 (real part), 3 x 3 conv, plus a
residual block. That is MedSegDiff's FF-Parser (Wu et al., arXiv 2211.00611,
Eq. 4) with the element-wise spectral map replaced by a channel conv.

rszoo's block, ``x`` (B, C, H, W) -> (B, C, H, W), two domains:

* ``domain='spatial'`` (FedDiff-like): ``y = conv3x3(Re(iFFT2(conv1x1(Re(FFT2(x))))))``,
  ``out = x + y``. For 1 x 1 inputs FFT2 is the identity, so this reduces to two convs.
* ``domain='spectral'`` (FF-Parser along the channel axis): ``X = rFFT_C(x)``
  (C//2+1 bins), ``Y = W (.) X`` with a learnable complex map ``W`` (one per bin,
  initialised to 1), ``y = irFFT_C(Y)``, ``out = x + conv1x1(y)``. Meaningful for
  pixel vectors, where the channel axis is the only non-trivial one.
"""
import torch
from torch import nn

from rszoo.registry import MODELS

DOMAINS = ('spatial', 'spectral')


@MODELS.register_module()
class FrequencyDomainParser(nn.Module):
    """Residual Fourier-domain filter (see module doc).

    Args:
        channels (int): C.
        domain (str): ``'spatial'`` (FFT2 over H, W; FedDiff's Conditioning) or
            ``'spectral'`` (rFFT over C with a learnable complex map).
    """

    def __init__(self, channels: int, domain: str = 'spectral'):
        super().__init__()
        if domain not in DOMAINS:
            raise ValueError(f'FrequencyDomainParser: domain must be one of {DOMAINS}, '
                             f'got {domain!r}')
        self.channels, self.domain = int(channels), domain
        if domain == 'spatial':
            self.freq_conv = nn.Conv2d(channels, channels, 1)
            self.out_conv = nn.Conv2d(channels, channels, 3, padding=1)
        else:
            bins = channels // 2 + 1
            # complex weight as (bins, 2) real tensor: real part 1, imaginary part 0
            self.weight = nn.Parameter(torch.stack([torch.ones(bins), torch.zeros(bins)], -1))
            self.out_conv = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.shape[1] != self.channels:
            raise ValueError(f'FrequencyDomainParser: expected (B, {self.channels}, H, W), '
                             f'got {tuple(x.shape)}')
        if self.domain == 'spatial':
            spec = torch.fft.fft2(x.float(), norm='ortho').real
            y = torch.fft.ifft2(self.freq_conv(spec), norm='ortho').real
            return x + self.out_conv(y.to(x.dtype))
        spec = torch.fft.rfft(x.float(), dim=1, norm='ortho')  # (B, C//2+1, H, W) complex
        w = torch.view_as_complex(self.weight.float().contiguous()).view(1, -1, 1, 1)
        y = torch.fft.irfft(spec * w, n=self.channels, dim=1, norm='ortho')
        return x + self.out_conv(y.to(x.dtype))
