"""MDFL-like multimodal classifier (HSI + LiDAR): multi-domain diffusion-driven
feature learning with feature reuse. **Not the authors' model**: MDFL (Li, Xie,
Zhang, Li, "MDFL: Multi-Domain Diffusion-Driven Feature Learning", AAAI-24,
arXiv 2311.09520) has no public code (``LDXDU/MDFL-AAAI-24`` is a placeholder
README); every part below is rszoo's choice built from the abstract's words and
named in ``configs/mdfl/README.md``.

Forward, for modalities A, B (``inputs = {key: (B, C_m, H, W)}``):

1. per modality a :class:`MultiDomainDiffusionEncoder` (spectral, spatial and
   frequency branches). Training: ``x_t`` at a uniform random ``t`` ->
   noise prediction, loss ``L_diff`` (:class:`DiffusionNoiseLoss`, L1). Features:
   the deterministic read-out at ``feature_t`` (noise-free ``x_t``), all block
   outputs concatenated -> ``f_m`` (B, depth*D, H, W);
2. :class:`SpatialSpectralMatrixFusion` of ``f_a``, ``f_b`` -> ``g`` (B, G);
3. feature reuse (:class:`FeatureReuseHead`): ``o = head([g, raw_a, raw_b])``;
   per-modality heads ``o_m = head_m([pool f_m, raw_m])`` (the missing-modality path).

Loss (one stage, end to end; rszoo's choice):

    L = CE(o) + w_aux [CE(o_a) + CE(o_b)] + w_diff [L_diff(A) + L_diff(B)]

Prediction (``pred_head``): ``'auto'`` -> ``o`` when both modalities are present,
the present modality's own head ``o_m`` when one is missing; ``'fused'`` or a
modality key forces one. A single-modality baseline of the same model is
``modality_keys=('hsi', 'hsi')``.
"""
from typing import Dict, Optional, Sequence

import torch

from rszoo.registry import MODELS

from .base_land_cover import BaseLandCoverClassifier




@MODELS.register_module()
class MDFL(BaseLandCoverClassifier):
    """MDFL-like classifier (see module doc).

    Args:
        in_channels (sequence of int): bands of modality A and B.
        num_classes (int): K.
        modality_keys (sequence of str): the ``inputs`` keys of A and B.
        encoder (dict, optional): overrides of :class:`MultiDomainDiffusionEncoder`
            (``embed_dim``, ``depth``, ``frequency_domain``, ``schedule``).
        fusion (dict, optional): overrides of :class:`SpatialSpectralMatrixFusion`.
        head (dict, optional): overrides of :class:`FeatureReuseHead` (all heads).
        feature_reuse (bool): feed the raw inputs to the heads. Defaults to True.
        feature_t (int): timestep of the feature read-out. Defaults to 0.
        cls_loss (dict): classification loss. Defaults to cross-entropy.
        diff_loss (dict): :class:`DiffusionNoiseLoss` config (L1).
        loss_weights (dict): ``aux`` (0.3) and ``diff`` (1.0).
        pred_head (str): ``'auto'``, ``'fused'`` or a modality key.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 num_classes: int,
                 modality_keys: Sequence[str] = ('hsi', 'lidar'),
                 encoder: Optional[dict] = None,
                 fusion: Optional[dict] = None,
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
        self.feature_reuse, self.feature_t = feature_reuse, int(feature_t)
        self.loss_weights = {**dict(aux=0.3, diff=1.0), **(loss_weights or {})}
        self.encoders = torch.nn.ModuleList(
            MODELS.build({**dict(type='MultiDomainDiffusionEncoder', in_channels=c),
                          **(encoder or {})}) for c in self.in_channels)
        if not 0 <= self.feature_t < self.encoders[0].num_timesteps:
            raise ValueError(f'MDFL: feature_t={feature_t} outside [0, '
                             f'{self.encoders[0].num_timesteps})')
        widths = [e.depth * e.embed_dim for e in self.encoders]
        self.fusion = MODELS.build({**dict(type='SpatialSpectralMatrixFusion',
                                           in_channels=tuple(widths)), **(fusion or {})})

        def build_head(deep: int, raw: int) -> torch.nn.Module:
            return MODELS.build({**dict(type='FeatureReuseHead', num_classes=num_classes,
                                        deep_channels=deep,
                                        raw_channels=raw if feature_reuse else 0),
                                 **(head or {})})

        self.head = build_head(self.fusion.out_channels, sum(self.in_channels))
        self.modality_heads = torch.nn.ModuleList(
            build_head(w, c) for w, c in zip(widths, self.in_channels))
        self.cls_loss = MODELS.build(cls_loss)
        self.diff_loss = MODELS.build(diff_loss)

    # ------------------------------------------------------------- inputs
    @staticmethod
    def _centre(x: torch.Tensor) -> torch.Tensor:
        return x[:, :, x.shape[2] // 2, x.shape[3] // 2]

    # ------------------------------------------------------------- forward
    def modality_features(self, inputs: Dict[str, torch.Tensor], index: int) -> torch.Tensor:
        """``f_m`` (B, depth*D, H, W): the encoder's block outputs at ``feature_t``."""
        return torch.cat(self.encoders[index].features(self.modality_input(inputs, index),
                                                       self.feature_t), dim=1)

    def _modality_logits(self, x: torch.Tensor, f: torch.Tensor, index: int) -> torch.Tensor:
        return self.modality_heads[index](f.mean(dim=(2, 3)), self._centre(x))

    def _fused_logits(self, xs, fs) -> torch.Tensor:
        g = self.fusion(fs[0], fs[1])
        return self.head(g, torch.cat([self._centre(x) for x in xs], dim=1))

    def logits(self, inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        """``(B, K)`` logits of the prediction head (fused, or one modality's own head)."""
        head = self.prediction_head(inputs)
        if head == 'fused':
            xs = [self.modality_input(inputs, i) for i in range(2)]
            return self._fused_logits(xs, [self.modality_features(inputs, i) for i in range(2)])
        return self._modality_logits(self.modality_input(inputs, head),
                                     self.modality_features(inputs, head), head)

    def loss(self, inputs: Dict[str, torch.Tensor], data_samples) -> dict:
        xs = [self.modality_input(inputs, i) for i in range(2)]
        target = torch.cat([s.gt_label for s in data_samples]).to(xs[0].device)
        losses, fs = {}, []
        for i, x in enumerate(xs):
            eps_hat, noise, _ = self.encoders[i](x)
            losses[f'loss_diff_{i}'] = self.loss_weights['diff'] * self.diff_loss(eps_hat, noise)
            fs.append(self.modality_features(inputs, i))
            losses[f'loss_aux_{i}'] = self.loss_weights['aux'] * self.cls_loss(
                self._modality_logits(x, fs[i], i), target)
        losses['loss_cls'] = self.cls_loss(self._fused_logits(xs, fs), target)
        return losses
