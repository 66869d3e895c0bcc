"""FedDiff's lightweight communication module: a low-rank code of each client's
features, which is what a client sends.

FedDiff (arXiv 2401.02433) places a "lightweight communication module" between
the clients' diffusion branches; a public summary adds a "low-rank feature
decomposition". No federated code is published. The same first author's
FedFusion (``LDXDU/FedFusion-TGRS-2024``, ``model_utils.py``) all-gathers a
rank-4 ``torch.svd_lowrank`` factorisation of shallow features. rszoo's choice
is a learned projection, trainable end to end and with a fixed payload size:

    c_m = W_m f_m + b_m          f_m (B, F_m) -> c_m (B, rank)

``rank`` (default 16) sets the payload: ``B * rank`` numbers per modality and
exchange (``payload_dtype`` float16 halves it when serialised). ``quantise``
casts a code to the payload dtype and back (what the receiver sees).
"""
from typing import Sequence

import torch
from torch import nn

from rszoo.registry import MODELS

PAYLOAD_DTYPES = {'float32': torch.float32, 'float16': torch.float16}


@MODELS.register_module()
class LowRankCommunicationModule(nn.Module):
    """Per-modality linear bottleneck to ``rank`` numbers per pixel (see module doc).

    Args:
        in_channels (sequence of int): ``F_m`` of each modality.
        rank (int): code width. Defaults to 16.
        payload_dtype (str): ``'float32'`` or ``'float16'``. Defaults to ``'float32'``.
    """

    def __init__(self, in_channels: Sequence[int], rank: int = 16,
                 payload_dtype: str = 'float32'):
        super().__init__()
        if payload_dtype not in PAYLOAD_DTYPES:
            raise ValueError(f'LowRankCommunicationModule: payload_dtype must be one of '
                             f'{sorted(PAYLOAD_DTYPES)}, got {payload_dtype!r}')
        self.in_channels, self.rank = tuple(int(c) for c in in_channels), int(rank)
        self.payload_dtype = payload_dtype
        self.encoders = nn.ModuleList(nn.Linear(c, self.rank) for c in self.in_channels)

    def forward(self, index: int, f: torch.Tensor) -> torch.Tensor:
        if f.dim() != 2 or f.shape[1] != self.in_channels[index]:
            raise ValueError(f'LowRankCommunicationModule: features of modality {index} must '
                             f'be (B, {self.in_channels[index]}), got {tuple(f.shape)}')
        return self.encoders[index](f)

    def quantise(self, code: torch.Tensor) -> torch.Tensor:
        """The code as the receiver decodes it (cast to the payload dtype and back)."""
        return code.to(PAYLOAD_DTYPES[self.payload_dtype]).to(code.dtype)
