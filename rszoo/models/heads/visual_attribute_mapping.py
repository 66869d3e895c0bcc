"""``VisualAttributeMapping``: DSVA's projection of ViT patch tokens into the
attribute space through learnable attribute prototypes.

W. Xu, J. Wang, Z. Wei, M. Peng, Y. Wu, "Deep Semantic-Visual Alignment for
Zero-Shot Remote Sensing Image Scene Classification" (DSVA); the facts below
are from the authors' public code (``wenjiaXu/RS_Scene_ZSL``, ``CLIP_proto`` in
``model/model.py``: ``prototype_vectors['layer4']``, ``F.conv1d`` over the
tokens, ``torch.max`` over them).

With patch tokens ``T`` (N, L, D) on an ``h x w`` grid (``L = h w``) and one
prototype ``p_k`` (D,) per attribute ``k = 1..A``::

    s_{n,k,l} = <t_{n,l}, p_k>                                  (N, A, L)  attribute logits
    M_{n,k,l} = exp(s_{n,k,l} / tau) / sum_l' exp(s_{n,k,l'} / tau)
                                                                (N, A, h, w) attention maps,
                                                                 sum over patches = 1
    a_{n,k}   = max_l s_{n,k,l}                   (pooling='max', the authors')  (N, A)
              = sum_l M_{n,k,l} s_{n,k,l}         (pooling='attention')
              = mean_l s_{n,k,l}                  (pooling='mean')

``a`` are the predicted attribute scores that DSVA compares with the class
attribute vectors (ALE-style compatibility ``a @ phi^T``, in the classifier).
The attention maps ``M`` are what the attention-concentration step and the
attention-map pictures use. The authors max-pool over all 50 tokens of a
ViT-B/32 (the CLS token included) and reshape the 49 patch tokens to 7 x 7;
here only patch tokens are given (the classifier drops the extra tokens).

Prototypes start as ``init_scale * U(0, 1)`` (the authors: ``2e-4 *
torch.rand``), so the first attention maps are nearly uniform.
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from rszoo.registry import MODELS

POOLINGS = ('max', 'attention', 'mean')


@MODELS.register_module()
class VisualAttributeMapping(BaseModule):
    """Attribute prototypes -> attribute attention maps and attribute scores.

    Args:
        in_channels (int): token width ``D``.
        num_attributes (int): ``A``.
        pooling (str): how the scores are pooled over patches: ``'max'`` (the
            authors'), ``'attention'`` or ``'mean'`` (module doc).
            Defaults to ``'max'``.
        temperature (float): ``tau`` of the softmax over patches. Defaults to 1.
        init_scale (float): prototypes start as ``init_scale * U(0, 1)``.
            Defaults to 2e-4 (the authors').
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: int,
                 num_attributes: int,
                 pooling: str = 'max',
                 temperature: float = 1.0,
                 init_scale: float = 2e-4,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if pooling not in POOLINGS:
            raise ValueError(f'VisualAttributeMapping: pooling={pooling!r}; expected one of '
                             f'{POOLINGS}')
        if temperature <= 0:
            raise ValueError(f'VisualAttributeMapping: temperature must be > 0, got '
                             f'{temperature}')
        if in_channels < 1 or num_attributes < 1:
            raise ValueError(f'VisualAttributeMapping: in_channels={in_channels} and '
                             f'num_attributes={num_attributes} must be >= 1')
        self.in_channels = in_channels
        self.num_attributes = num_attributes
        self.pooling = pooling
        self.temperature = float(temperature)
        self.prototypes = nn.Parameter(init_scale * torch.rand(num_attributes, in_channels))

    def forward(self, tokens: torch.Tensor, hw: Tuple[int, int]) -> Dict[str, torch.Tensor]:
        """Args:
            tokens: patch tokens ``(N, L, D)``, row-major over the grid.
            hw: the grid ``(h, w)``, ``h * w = L``.

        Returns:
            dict: ``logits`` (N, A, h, w) = ``s``; ``attention`` (N, A, h, w) =
            ``M`` (softmax over the ``h w`` patches); ``scores`` (N, A) = ``a``.
        """
        if tokens.dim() != 3 or tokens.size(2) != self.in_channels:
            raise ValueError(f'VisualAttributeMapping: tokens of shape {tuple(tokens.shape)}; '
                             f'expected (N, L, {self.in_channels}) (in_channels)')
        h, w = int(hw[0]), int(hw[1])
        n, num_tokens, _ = tokens.shape
        if h * w != num_tokens:
            raise ValueError(f'VisualAttributeMapping: grid {h} x {w} does not hold the '
                             f'{num_tokens} tokens')
        logits = torch.einsum('nld,ad->nal', tokens, self.prototypes.to(tokens.dtype))
        attention = torch.softmax(logits / self.temperature, dim=-1)
        if self.pooling == 'max':
            scores = logits.max(dim=-1).values
        elif self.pooling == 'attention':
            scores = (attention * logits).sum(dim=-1)
        else:
            scores = logits.mean(dim=-1)
        shape = (n, self.num_attributes, h, w)
        return dict(logits=logits.reshape(shape), attention=attention.reshape(shape),
                    scores=scores)

    def extra_repr(self) -> str:
        return (f'in_channels={self.in_channels}, num_attributes={self.num_attributes}, '
                f'pooling={self.pooling!r}, temperature={self.temperature}')
