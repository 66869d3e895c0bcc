"""SwiMDiff: scene-wide matching contrastive learning with a diffusion constraint.

Tian, Lei, Zhang, Xie, Li, "SwiMDiff: Scene-wide Matching Contrastive Learning
with Diffusion Constraint for Remote Sensing Image", arXiv 2401.05093, IEEE
TGRS 62, 2024. No public code; the facts used and the choices made are in
the SwiMDiff paper (arXiv 2401.05093) and ``configs/swimdiff/README.md``.

Built on MoCo v2 (He et al. 2020; Chen et al. 2020; mmpretrain's ``MoCo``):
a query encoder ``f_q`` (backbone + projection neck) trained by SGD, a key
encoder ``f_k`` that is its exponential moving average, and a queue of past
keys. One training step on two views ``x_q, x_k`` of a batch of ``N``
samples with scene ids ``z`` (``data_samples[i].scene_id``):

1. ``F = backbone(x_q)`` (tuple of maps, ``F[-1]`` ``(N, C_f, h, w)``);
   ``q = normalize(neck(F))`` ``(N, D)``; ``k = normalize(f_k(x_k))`` ``(N, D)``
   (no gradient; batch shuffled for BatchNorm as MoCo does).
2. Candidates of query ``i``: column 0 its own key ``k_i``; then, with
   ``batch_negatives=True``, the other keys of the batch ``k_j`` (``j != i``;
   the column ``j = i`` is excluded); then the ``K`` queued keys ``u_j``
   (``queue`` ``(D, K)``) with their scene ids (``queue_scene`` ``(K,)``,
   ``-1`` = unknown, matching nothing). Similarities ``s_ij = q_i . c_j``.
3. Scene-wide matching, ``S_ij = [z(c_j) == z_i]`` (both ``>= 0``), by
   ``scene_matching``:

   - ``'mask'`` (default, "recognised as false negatives" read literally):
     same-scene candidates are removed from the negatives,
     ``V_i = {0} + {j : not S_ij}``, ``P_i = {0}``;
   - ``'positive'``: same-scene candidates become extra positives,
     ``V_i`` = all, ``P_i = {0} + {j : S_ij}``;
   - ``'none'``: plain MoCo v2, ``V_i`` = all, ``P_i = {0}``.

   ``L_C = mean_i -log( (1/|P_i|) sum_{p in P_i} exp(s_ip/tau)
   / sum_{j in V_i} exp(s_ij/tau) )``
   (:class:`~rszoo.models.heads.MultiPositiveContrastiveHead`). With
   ``'none'`` and ``batch_negatives=False`` this equals mmpretrain's MoCo v2
   loss exactly.
4. Diffusion constraint (:class:`~rszoo.models.heads.ConditionalDenoiserHead`):
   ``L_D = || eps - eps_theta(sqrt(abar_t) x_0 + sqrt(1-abar_t) eps, t,
   F[condition_index]) ||^2`` with ``t`` uniform, ``eps ~ N(0, I)``; the
   condition is not detached, so ``L_D`` trains the backbone. ``x_0`` by
   ``diffusion_target``: ``'query'`` (default) the query view ``x_q`` itself,
   colour jitter, grey-scale and blur included; ``'clean'`` a third view
   ``inputs[2]`` ``(N, C, H, W)``, the tile without photometric augmentation
   (``MultiView(num_views=[2, 1])``, ``configs/swimdiff/*_clean-target.py``),
   so the denoiser reconstructs the scene, not the nuisance the contrastive
   loss teaches the encoder to ignore. ``log_zeroed_condition=True`` also logs
   ``diffusion_mse`` and ``diffusion_mse_zeroed_condition`` (the same ``x_t``,
   ``t``, ``eps`` with the condition replaced by zeros, no gradient): what the
   condition is worth to the denoiser.
5. ``L = lambda_c L_C + lambda_d L_D`` (logged as ``loss_contrastive`` and
   ``loss_diffusion``); then the keys and their scene ids replace the oldest
   queue entries (a ring buffer; any batch size up to ``queue_len``).

Deploy: only ``backbone.*`` is kept; the key encoder (``encoder_k.*``), the
queue, the neck, the heads and the denoiser are training-only. A downstream
classifier loads the backbone with ``init_cfg=dict(type='Pretrained',
checkpoint=..., prefix='backbone.')`` (``configs/swimdiff/linear-probe_*.py``)
or from ``tools/model_converters/extract_backbone.py``'s output.

Distributed: keys and scene ids are gathered from all ranks before enqueueing
(as MoCo); the in-batch candidates (``batch_negatives``) are the local batch.
"""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.dist import all_gather
from mmengine.model import ExponentialMovingAverage
from mmpretrain.models.selfsup import BaseSelfSupervisor
from mmpretrain.models.utils import batch_shuffle_ddp, batch_unshuffle_ddp
from mmpretrain.structures import DataSample
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class SwiMDiff(BaseSelfSupervisor):
    """MoCo v2 + scene-wide matching + a conditional diffusion constraint.

    Args:
        backbone (dict): e.g. ``ResNet(depth=18, out_indices=(3, ))``.
        neck (dict): the projection head, e.g. ``MoCoV2Neck``.
        head (dict): ``MultiPositiveContrastiveHead(temperature=0.2)``.
        diffusion_head (dict, optional): ``ConditionalDenoiserHead``; None (or
            ``lambda_d=0``, which leaves it unbuilt) turns the diffusion constraint
            off: the denoiser is neither run nor saved.
        queue_len (int): ``K``. Defaults to 4096.
        feat_dim (int): ``D``, the neck's output size. Defaults to 128.
        momentum (float): mmengine's EMA momentum, ``1 - m`` of MoCo's ``m``
            (0.001 = MoCo's 0.999). Defaults to 0.001.
        scene_matching (str): ``'mask'`` | ``'positive'`` | ``'none'``.
            Defaults to ``'mask'``.
        batch_negatives (bool): also use the other keys of the current batch
            as candidates (needed for same-scene samples of one batch to
            meet). Defaults to True. ``False`` with ``'none'`` is MoCo v2.
        lambda_c (float): weight of ``L_C``. Defaults to 1.
        lambda_d (float): weight of ``L_D``. Defaults to 1.
        condition_index (int): which backbone output conditions the denoiser.
            Defaults to -1.
        diffusion_target (str): ``'query'`` (the query view) or ``'clean'``
            (the un-jittered third view). Defaults to ``'query'``.
        log_zeroed_condition (bool): log the denoiser's MSE with the condition
            zeroed next to its MSE with it (one extra denoiser forward, no
            backward). Defaults to False.
        pretrained, data_preprocessor, init_cfg: as ``BaseSelfSupervisor``.
    """

    SCENE_MATCHING = ('mask', 'positive', 'none')
    DIFFUSION_TARGETS = ('query', 'clean')
    #: state-dict prefixes used only in training (see the module docstring).
    TRAINING_ONLY_PREFIXES = ('encoder_k.', 'neck.', 'head.', 'diffusion_head.', 'queue',
                              'data_preprocessor.')

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 diffusion_head: Optional[dict] = None,
                 queue_len: int = 4096,
                 feat_dim: int = 128,
                 momentum: float = 0.001,
                 scene_matching: str = 'mask',
                 batch_negatives: bool = True,
                 lambda_c: float = 1.0,
                 lambda_d: float = 1.0,
                 condition_index: int = -1,
                 diffusion_target: str = 'query',
                 log_zeroed_condition: bool = False,
                 pretrained: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[List[dict], dict]] = None) -> None:
        if scene_matching not in self.SCENE_MATCHING:
            raise ValueError(f'SwiMDiff: scene_matching must be one of {self.SCENE_MATCHING}, '
                             f'got {scene_matching!r}')
        if diffusion_target not in self.DIFFUSION_TARGETS:
            raise ValueError(f'SwiMDiff: diffusion_target must be one of '
                             f'{self.DIFFUSION_TARGETS}, got {diffusion_target!r}')
        if queue_len < 1 or feat_dim < 1:
            raise ValueError(f'SwiMDiff: queue_len ({queue_len}) and feat_dim ({feat_dim}) '
                             'must be >= 1')
        if not 0. < momentum <= 1.:
            raise ValueError(f'SwiMDiff: momentum (EMA update rate, 1 - m) must be in (0, 1], '
                             f'got {momentum}')
        if lambda_c < 0 or lambda_d < 0:
            raise ValueError(f'SwiMDiff: lambda_c ({lambda_c}) and lambda_d ({lambda_d}) '
                             'must be >= 0')
        super().__init__(backbone=backbone, neck=neck, head=head, pretrained=pretrained,
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if lambda_d == 0:  # not built: no unused parameters under DDP, no checkpoint keys
            diffusion_head = None
        if diffusion_head is not None and not isinstance(diffusion_head, nn.Module):
            diffusion_head = MODELS.build(diffusion_head)
        self.diffusion_head = diffusion_head
        self.scene_matching = scene_matching
        self.batch_negatives = batch_negatives
        self.lambda_c = lambda_c
        self.lambda_d = lambda_d
        self.condition_index = condition_index
        self.diffusion_target = diffusion_target
        self.log_zeroed_condition = log_zeroed_condition
        self.queue_len = queue_len
        self.feat_dim = feat_dim

        # the key encoder: an EMA copy of backbone + neck (no gradients)
        self.encoder_k = ExponentialMovingAverage(nn.Sequential(self.backbone, self.neck),
                                                  momentum)
        self.register_buffer('queue', F.normalize(torch.randn(feat_dim, queue_len), dim=0))
        self.register_buffer('queue_scene', torch.full((queue_len, ), -1, dtype=torch.long))
        self.register_buffer('queue_ptr', torch.zeros(1, dtype=torch.long))

    @property
    def with_diffusion(self) -> bool:
        return self.diffusion_head is not None and self.lambda_d > 0

    # ------------------------------------------------------------------ scene ids
    def get_scene_ids(self, data_samples: Optional[List[DataSample]], n: int,
                      device) -> torch.Tensor:
        """``(N,)`` long scene ids from ``data_samples[i].scene_id``.

        Missing ids are an error unless ``scene_matching='none'`` (then all
        are ``-1``: unknown, matching nothing).
        """
        values = [None if s is None else s.get('scene_id', None) for s in (data_samples or [])]
        if len(values) != n or any(v is None for v in values):
            if self.scene_matching == 'none':
                return torch.full((n, ), -1, dtype=torch.long, device=device)
            raise ValueError(
                f"SwiMDiff: scene_matching={self.scene_matching!r} needs a scene id per "
                f'sample in data_samples[i].scene_id ({n} samples, got {values[:4]}...). '
                "Record it in the data set (SceneTileDataset) and pack it with "
                "PackInputs(algorithm_keys=('scene_id', )), or set scene_matching='none'.")
        ids = torch.as_tensor([int(torch.as_tensor(v).reshape(-1)[0]) for v in values],
                              dtype=torch.long, device=device)
        return ids

    def match_masks(self, scene_ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(pos_mask, valid_mask)`` of shape ``(N, 1 + [N] + K)`` for the
        candidate columns ``[own key | batch keys (if batch_negatives) | queue]``.
        """
        n = scene_ids.shape[0]
        device = scene_ids.device
        cand = [self.queue_scene.to(device)]
        if self.batch_negatives:
            cand.insert(0, scene_ids)
        cand = torch.cat(cand)
        same = ((scene_ids[:, None] == cand[None, :]) & (scene_ids[:, None] >= 0)
                & (cand[None, :] >= 0))
        excluded = torch.zeros_like(same)
        if self.batch_negatives:  # the own key appears again among the batch keys
            excluded[:, :n] = torch.eye(n, dtype=torch.bool, device=device)
        same = same & ~excluded
        own = torch.ones(n, 1, dtype=torch.bool, device=device)
        if self.scene_matching == 'mask':
            pos = torch.cat([own, torch.zeros_like(same)], dim=1)
            valid = torch.cat([own, ~excluded & ~same], dim=1)
        elif self.scene_matching == 'positive':
            pos = torch.cat([own, same], dim=1)
            valid = torch.cat([own, ~excluded], dim=1)
        else:
            pos = torch.cat([own, torch.zeros_like(same)], dim=1)
            valid = torch.cat([own, ~excluded], dim=1)
        return pos, valid

    # ------------------------------------------------------------------ losses
    def contrastive_loss(self, q: torch.Tensor, k: torch.Tensor,
                         scene_ids: torch.Tensor) -> torch.Tensor:
        """``L_C`` of normalised queries/keys ``(N, D)`` against the current queue."""
        if q.shape != k.shape or q.shape[1] != self.feat_dim:
            raise ValueError(f'SwiMDiff: q {tuple(q.shape)} and k {tuple(k.shape)} must both be '
                             f'(N, feat_dim={self.feat_dim})')
        columns = [torch.einsum('nc,nc->n', q, k).unsqueeze(-1)]
        if self.batch_negatives:
            columns.append(q @ k.t())
        columns.append(q @ self.queue.clone().detach())
        logits = torch.cat(columns, dim=1)
        pos, valid = self.match_masks(scene_ids)
        return self.head.loss(logits, pos, valid)

    @torch.no_grad()
    def _dequeue_and_enqueue(self, keys: torch.Tensor, scene_ids: torch.Tensor) -> None:
        """Write the (all-gathered) keys and their scene ids over the oldest
        entries, wrapping around the end of the queue."""
        keys = torch.cat(all_gather(keys), dim=0)
        scene_ids = torch.cat(all_gather(scene_ids), dim=0)
        n = keys.shape[0]
        if n > self.queue_len:
            raise ValueError(f'SwiMDiff: the (global) batch of {n} keys exceeds '
                             f'queue_len={self.queue_len}')
        ptr = int(self.queue_ptr)
        idx = (ptr + torch.arange(n, device=self.queue.device)) % self.queue_len
        self.queue[:, idx] = keys.t().to(self.queue.dtype)
        self.queue_scene[idx] = scene_ids.to(self.queue_scene.device)
        self.queue_ptr[0] = (ptr + n) % self.queue_len

    def loss(self, inputs: List[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """``dict(loss_contrastive=lambda_c L_C[, loss_diffusion=lambda_d L_D])``.

        Args:
            inputs (list[Tensor]): two views ``(N, C, H, W)`` (query, key),
                and with ``diffusion_target='clean'`` a third, the clean tile.
            data_samples (list[DataSample]): with ``scene_id`` unless
                ``scene_matching='none'``.
        """
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError('SwiMDiff: inputs must be a list of two views (query, key) from a '
                             "MultiView(num_views=2) pipeline, got "
                             f'{type(inputs).__name__}')
        im_q, im_k = inputs[0], inputs[1]
        if self.with_diffusion and self.diffusion_target == 'clean' and len(inputs) < 3:
            raise ValueError(
                "SwiMDiff: diffusion_target='clean' needs a third view, the tile without "
                f'photometric augmentation (inputs[2]); got {len(inputs)} views. Use '
                "MultiView(num_views=[2, 1], transforms=[view_pipeline, clean_view]) "
                '(configs/swimdiff/swimdiff_resnet18_aid150_64px_1xb64_20e_clean-target.py).')
        scene_ids = self.get_scene_ids(data_samples, im_q.shape[0], im_q.device)

        feats = self.backbone(im_q)
        q = F.normalize(self.neck(feats)[0], dim=1)
        with torch.no_grad():
            self.encoder_k.update_parameters(nn.Sequential(self.backbone, self.neck))
            im_k, idx_unshuffle = batch_shuffle_ddp(im_k)
            k = F.normalize(self.encoder_k(im_k)[0], dim=1)
            k = batch_unshuffle_ddp(k, idx_unshuffle)

        losses = dict(loss_contrastive=self.lambda_c * self.contrastive_loss(q, k, scene_ids))
        if self.with_diffusion:
            x0 = inputs[2] if self.diffusion_target == 'clean' else im_q
            cond = feats[self.condition_index]
            if self.log_zeroed_condition:
                mse, zeroed = self.diffusion_head.loss_with_zeroed_condition(x0, cond)
                losses['diffusion_mse'] = mse.detach()
                losses['diffusion_mse_zeroed_condition'] = zeroed
            else:
                mse = self.diffusion_head.loss(x0, cond)
            losses['loss_diffusion'] = self.lambda_d * mse
        self._dequeue_and_enqueue(k, scene_ids)
        return losses
