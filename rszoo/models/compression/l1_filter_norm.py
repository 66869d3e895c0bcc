"""L1-norm filter importance: the magnitude-pruning baseline's filter property.

Magnitude pruning (Li et al., "Pruning Filters for Efficient ConvNets", ICLR
2017) scores filter ``i`` of conv ``l`` by ``||W_i^l||_1 = sum_{c,u,v}
|W^l[i, c, u, v]|``; it is the authors' ``rank_type='l1_weight'`` in the PIC-PQ
code (Xie et al., arXiv:2312.00851). rszoo's magnitude + uniform 8-bit baseline
uses it in place of the feature-map rank, with ``(a_l, b_l) = (1, 0)`` and the
same global pruner, chains and safeguard.

Shapes: a conv weight ``C_out x C_in x k_h x k_w`` gives a ``C_out`` vector.
"""
from typing import Dict, Optional, Sequence

import torch
from torch import nn

from rszoo.registry import TASK_UTILS


@TASK_UTILS.register_module()
class L1FilterNorm:
    """``{conv_name: ||W_i||_1 for each output channel i}`` (float64); the
    data arguments are accepted for the FeatureMapRank interface and unused."""

    def __init__(self, num_batches: Optional[int] = None):
        self.num_batches = num_batches

    def __call__(self, model: nn.Module, batches=None, conv_names: Sequence[str] = (),
                 forward=None) -> Dict[str, torch.Tensor]:
        out = {}
        for name in conv_names:
            weight = model.get_submodule(name).weight.detach()
            if weight.dim() != 4:
                raise ValueError(f'L1FilterNorm: {name}.weight must be C_out x C_in x k x k, '
                                 f'got shape {tuple(weight.shape)}')
            out[name] = weight.abs().sum(dim=(1, 2, 3)).to(torch.float64).cpu()
        return out
