"""InfoNCE with several positives and excluded candidates: the loss behind
SwiMDiff's scene-wide matching.

Tian, Lei, Zhang, Xie, Li, "SwiMDiff: Scene-wide Matching Contrastive Learning
with Diffusion Constraint for Remote Sensing Image", arXiv 2401.05093 (IEEE
TGRS 62, 2024): contrastive labels are "recalibrated" so that samples from the
same scene are recognised as false negatives. The algorithm
(:class:`~rszoo.models.selfsup.SwiMDiff`) turns scene ids into the two masks
this head takes; the head itself knows nothing of scenes.

For query ``i`` with candidate similarities ``s_ij`` (cosines; column 0 is the
query's own key, the MoCo positive), positive set ``P_i`` (``pos_mask``,
always holding column 0) and valid set ``V_i`` (``valid_mask``: the columns
that take part at all; ``P_i`` within ``V_i``), temperature ``tau``:

    L_i = -log( (1/|P_i|) sum_{p in P_i} exp(s_ip / tau)
                / sum_{j in V_i} exp(s_ij / tau) )
    L   = mean_i L_i

i.e. the mean over positives is taken **inside** the log (the "L_in" form of
Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020, eq. 3). With
``P_i = {0}`` and ``V_i`` = all columns this is exactly MoCo's InfoNCE,
``CrossEntropy(logits / tau, label 0)`` (mmpretrain's ``ContrastiveHead``).

Shapes: ``logits`` ``(N, 1 + M)``; ``pos_mask``, ``valid_mask`` ``(N, 1 + M)``
bool (None = ``{0}`` and all columns). Returns a scalar.
"""
from typing import Optional

import torch
from mmengine.model import BaseModule

from rszoo.registry import MODELS


@MODELS.register_module()
class MultiPositiveContrastiveHead(BaseModule):
    """Multi-positive, masked InfoNCE over precomputed similarities.

    Args:
        temperature (float): ``tau``. Defaults to 0.2 (MoCo v2).
        init_cfg (dict, optional): mmengine init config (no parameters).
    """

    def __init__(self, temperature: float = 0.2, init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if temperature <= 0:
            raise ValueError(f'MultiPositiveContrastiveHead: temperature must be > 0, '
                             f'got {temperature}')
        self.temperature = temperature

    def loss(self,
             logits: torch.Tensor,
             pos_mask: Optional[torch.Tensor] = None,
             valid_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The mean ``L_i`` (see the module docstring).

        Args:
            logits (Tensor): ``(N, 1 + M)`` similarities, column 0 the positive key.
            pos_mask (Tensor, optional): ``(N, 1 + M)`` bool, the positives.
            valid_mask (Tensor, optional): ``(N, 1 + M)`` bool, the columns used.
        """
        if logits.dim() != 2 or logits.shape[1] < 1:
            raise ValueError('MultiPositiveContrastiveHead: logits must be (N, 1 + M), got '
                             f'{tuple(logits.shape)}')
        n, m = logits.shape
        if pos_mask is None:
            pos_mask = torch.zeros(n, m, dtype=torch.bool, device=logits.device)
            pos_mask[:, 0] = True
        if valid_mask is None:
            valid_mask = torch.ones(n, m, dtype=torch.bool, device=logits.device)
        for name, mask in (('pos_mask', pos_mask), ('valid_mask', valid_mask)):
            if mask.shape != logits.shape or mask.dtype != torch.bool:
                raise ValueError(f'MultiPositiveContrastiveHead: {name} must be a bool tensor '
                                 f'of the logits shape {tuple(logits.shape)}, got '
                                 f'{mask.dtype} {tuple(mask.shape)}')
        if not bool(pos_mask[:, 0].all()):
            raise ValueError('MultiPositiveContrastiveHead: column 0 (the own key) must be a '
                             'positive of every query')
        if bool((pos_mask & ~valid_mask).any()):
            raise ValueError('MultiPositiveContrastiveHead: every positive must be valid '
                             '(pos_mask must lie within valid_mask)')
        scaled = logits / self.temperature
        neg_inf = torch.finfo(scaled.dtype).min
        log_denominator = torch.logsumexp(scaled.masked_fill(~valid_mask, neg_inf), dim=1)
        log_numerator = (torch.logsumexp(scaled.masked_fill(~pos_mask, neg_inf), dim=1)
                         - pos_mask.sum(dim=1).to(scaled.dtype).log())
        return (log_denominator - log_numerator).mean()
