"""FedDiff-style multimodal classifier (HSI + LiDAR), one modality per client.

Li et al., "FedDiff: Diffusion Model Driven Federated Learning for Multi-Modal
and Multi-Clients", arXiv 2401.02433; authors' code ``LDXDU/FedDiff`` @ 7db0438
(diffusion stage, U-Net, classifier parts; **no federated code**). rszoo's
model, every difference named in ``configs/feddiff/README.md``:

1. dual-branch diffusion feature extractor (:class:`FedDiffDualBranchEncoder`):
   branch ``m`` sees modality ``m`` only; L1 noise loss at a random ``t``
   (:class:`DiffusionNoiseLoss`), features read at ``feature_t`` -> ``f_m`` (B, F_m);
2. lightweight communication module (:class:`LowRankCommunicationModule`):
   ``c_m = W_m f_m`` (B, rank): the payload a client sends;
3. client head ``o_m = head_m(c_m, raw_m)`` (:class:`FeatureReuseHead`, raw input
   reused as in FedDiff's classifier) and the fusion head
   ``o = head([c_a, c_b])`` (zeros stand in for a missing code).

Loss over the modalities present in the batch:

    L = [CE(o) if both] + w_aux sum_m CE(o_m) + w_diff sum_m L_diff(m)

so ``loss`` on a one-modality batch is exactly a client's local objective
(rszoo.federated trains clients through it), and on a two-modality batch the
central objective. Prediction ``'auto'``: ``o`` with both modalities, ``o_m``
with one (the missing-modality path).
"""
from typing import Dict, Optional, Sequence

import torch

from rszoo.registry import MODELS

from .base_land_cover import BaseLandCoverClassifier




@MODELS.register_module()
class FedDiff(BaseLandCoverClassifier):
    """FedDiff-style classifier (see module doc).

    Args:
        in_channels (sequence of int): bands of modality A and B.
        num_classes (int): K.
        modality_keys (sequence of str): the ``inputs`` keys of A and B.
        encoder (dict, optional): overrides of :class:`FedDiffDualBranchEncoder`'s
            ``branch``.
        comm (dict, optional): overrides of :class:`LowRankCommunicationModule`.
        head (dict, optional): overrides of :class:`FeatureReuseHead` (all heads).
        feature_reuse (bool): raw input into the client heads. Defaults to True.
        feature_t (int): timestep of the feature read-out. Defaults to 0.
        cls_loss, diff_loss (dict): classification / noise losses.
        loss_weights (dict): ``aux`` (1.0) and ``diff`` (1.0).
        pred_head (str): ``'auto'``, ``'fused'`` or a modality key.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 num_classes: int,
                 modality_keys: Sequence[str] = ('hsi', 'lidar'),
                 encoder: Optional[dict] = None,
                 comm: Optional[dict] = None,
                 head: Optional[dict] = None,
                 feature_reuse: bool = True,
                 feature_t: int = 0,
                 cls_loss: dict = dict(type='CrossEntropyLoss'),
                 diff_loss: dict = dict(type='DiffusionNoiseLoss', norm='l1'),
                 loss_weights: Optional[dict] = None,
                 pred_head: str = 'auto',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(in_channels, num_classes, modality_keys, pred_head,
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.feature_t = int(feature_t)
        self.loss_weights = {**dict(aux=1.0, diff=1.0), **(loss_weights or {})}
        self.backbone = MODELS.build(dict(type='FedDiffDualBranchEncoder',
                                          in_channels=self.in_channels, branch=encoder))
        if not 0 <= self.feature_t < self.backbone.branches[0].num_timesteps:
            raise ValueError(f'FedDiff: feature_t={feature_t} outside [0, '
                             f'{self.backbone.branches[0].num_timesteps})')
        self.comm = MODELS.build({**dict(type='LowRankCommunicationModule',
                                         in_channels=self.backbone.out_channels),
                                  **(comm or {})})
        rank = self.comm.rank

        def build_head(deep: int, raw: int) -> torch.nn.Module:
            return MODELS.build({**dict(type='FeatureReuseHead', num_classes=num_classes,
                                        deep_channels=deep, raw_channels=raw),
                                 **(head or {})})

        self.client_heads = torch.nn.ModuleList(
            build_head(rank, c if feature_reuse else 0) for c in self.in_channels)
        self.fusion_head = build_head(2 * rank, 0)
        self.cls_loss = MODELS.build(cls_loss)
        self.diff_loss = MODELS.build(diff_loss)

    # ------------------------------------------------------------- parts
    def client_code(self, inputs: Dict[str, torch.Tensor], index: int) -> torch.Tensor:
        """``c_m`` (B, rank): what client ``index`` sends for these pixels."""
        x = self.modality_input(inputs, index)
        return self.comm(index, self.backbone.features(index, x, self.feature_t))

    def client_logits(self, inputs: Dict[str, torch.Tensor], index: int,
                      code: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``o_m`` (B, K) of client ``index``'s own head."""
        x = self.modality_input(inputs, index)
        code = self.client_code(inputs, index) if code is None else code
        return self.client_heads[index](code, x[:, :, x.shape[2] // 2, x.shape[3] // 2])

    def fused_logits(self, codes: Sequence[Optional[torch.Tensor]]) -> torch.Tensor:
        """``o`` (B, K) from the two codes (None = missing, zeros)."""
        like = next(c for c in codes if c is not None)
        codes = [like.new_zeros(like.shape[0], self.comm.rank) if c is None else c
                 for c in codes]
        return self.fusion_head(torch.cat(codes, dim=1))

    # ------------------------------------------------------------- modes
    def logits(self, inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        head = self.prediction_head(inputs)
        if head == 'fused':
            return self.fused_logits([self.client_code(inputs, i) for i in range(2)])
        return self.client_logits(inputs, head)

    def loss(self, inputs: Dict[str, torch.Tensor], data_samples) -> dict:
        present = self.present(inputs)
        target = torch.cat([s.gt_label for s in data_samples]).to(
            self.modality_input(inputs, present[0]).device)
        losses, codes = {}, [None, None]
        for i in present:
            eps_hat, noise, _ = self.backbone.forward_branch(i, self.modality_input(inputs, i))
            losses[f'loss_diff_{i}'] = self.loss_weights['diff'] * self.diff_loss(eps_hat, noise)
            codes[i] = self.client_code(inputs, i)
            losses[f'loss_aux_{i}'] = self.loss_weights['aux'] * self.cls_loss(
                self.client_logits(inputs, i, codes[i]), target)
        if len(present) == 2:
            losses['loss_cls'] = self.cls_loss(self.fused_logits(codes), target)
        return losses
