"""MIViT: Multimodal Informative ViT for multimodal (HSI + LiDAR) land cover.

Paper: arXiv 2401.03179 (TCSVT 2024); reference: the authors' public code
``icey-zhang/MIViT`` @ ``dcd4a6e``. Forward,
for modalities A (HSI, ``l_a`` bands) and B (LiDAR, ``l_b``), patches of side
``P = base * max(scales)`` centred on the pixel (authors: base 8, scales 1/2/3):

1. multi-scale centre crops ``x_{m,k}`` of side ``base*k`` (:func:`multiscale_crops`);
2. alignment encoder -> ``Z_a, Z_b`` (B, 64, base, base) (:class:`MIViTAlignmentEncoder`);
3. oriented attention fusion ``Z_f = OAF(Z_a, Z_b)`` (:class:`OrientedAttentionFusion`);
4. transformer feature extractor -> ``x_vit`` (B, base^2+1, 64), tokens (:class:`MIViTTransformer`);
5. main classifier ``x_cls = c1 ViT(cls) + c2 CNN(tokens)`` (:class:`MIViTFusedHead`);
6. independent per-modality classifiers on ``Z_a`` and on ``Z_b`` (:class:`MIViTConvHead`):
   the missing-modality path (only one modality's stream and head run);
7. training only: cross-scale pyramid + its head (:class:`MIViTCrossScalePyramid`,
   :class:`MIViTPyramidHead`), reconstruction decoder (:class:`MIViTReconstructionDecoder`),
   information-aggregation constraint (:class:`InformationAggregationLoss`).

Loss (authors' ``utils.py:350-383``, lambdas ``demo.py:111-114``), FL = softmax focal loss:

    L = FL(x_cls) + 5 L_rec
        + 0.3 [FL(out_a) + FL(out_b) + FL(out_p)]                  (distillation on)
        + 1 [KD(out_a, x_cls) + KD(out_b, x_cls) + KD(out_p, x_cls)]   information-distribution flow
        + 0.1 L_IAC

KD = KL(softmax teacher || softmax student) summed over classes, batch mean, T = 1,
teacher **not** detached (as coded). The auxiliary heads return probabilities
that FL and KD soften again (the authors' double softmax, kept; ``conv_softmax=False``
makes them logits).

Prediction (``pred_head``): ``'auto'`` uses ``x_cls`` when both modalities are in
the batch and the present modality's own head when one is missing; ``'fused'``,
or a modality key (``'hsi'``, ``'lidar'``) forces one. A single-modality baseline
of the same model is ``modality_keys=('hsi', 'hsi')`` (both streams see HSI).
"""
from typing import Dict, List, Optional, Sequence

import torch

from rszoo.registry import MODELS

from .base_land_cover import BaseLandCoverClassifier

from ..utils.prediction_samples import scores_to_data_samples



def multiscale_crops(x: torch.Tensor, sizes: Sequence[int]) -> List[torch.Tensor]:
    """Centre crops of ``x`` (B, C, P, P) with sides ``sizes``, each keeping the
    labelled pixel (index ``P // 2``) at index ``size // 2``."""
    side = x.shape[-1]
    if x.shape[-2] != side:
        raise ValueError(f'multiscale_crops: square patches expected, got {tuple(x.shape)}')
    crops = []
    for size in sizes:
        start = side // 2 - size // 2
        if start < 0 or start + size > side:
            raise ValueError(f'multiscale_crops: a {size}-pixel crop does not fit a {side}-pixel '
                             'patch; serve patches of at least the largest scale')
        crops.append(x[..., start:start + size, start:start + size])
    return crops


@MODELS.register_module()
class MIViT(BaseLandCoverClassifier):
    """MIViT (see module doc).

    Args:
        in_channels (sequence of int): bands of modality A and B.
        num_classes (int): K.
        modality_keys (sequence of str): the ``inputs`` keys of A and B.
        base_size (int): side of the smallest scale (8; 1 for pixel vectors).
        scales (sequence of int): scale factors ((1, 2, 3) -> 8/16/24 pixels).
        embed_dim (int): 64 (fixed by the token layout: channels = token width).
        encoder, fusion, transformer, head, modality_head, pyramid, pyramid_head,
        decoder, iac (dict, optional): overrides of the parts' settings
            (``pyramid=None`` / ``decoder=None`` / ``iac=None`` switch a part off).
        cls_loss (dict): the classification loss (``SoftmaxFocalLoss``, gamma 2).
        kd_loss (dict): the distillation loss (``KDLoss``, T = 1, teacher not detached).
        loss_weights (dict): ``rec`` 5, ``aux`` 0.3, ``kd`` 1 (IAC's 0.1 is in ``iac``).
        distillation (bool): the authors' ``--distillation 1``: aux, KD and IAC terms on.
        pred_head (str): ``'auto'``, ``'fused'`` or a modality key.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 num_classes: int,
                 modality_keys: Sequence[str] = ('hsi', 'lidar'),
                 base_size: int = 8,
                 scales: Sequence[int] = (1, 2, 3),
                 embed_dim: int = 64,
                 encoder: Optional[dict] = None,
                 fusion: Optional[dict] = None,
                 transformer: Optional[dict] = None,
                 head: Optional[dict] = None,
                 modality_head: Optional[dict] = None,
                 pyramid: Optional[dict] = dict(),
                 pyramid_head: Optional[dict] = None,
                 decoder: Optional[dict] = dict(),
                 iac: Optional[dict] = dict(),
                 cls_loss: dict = dict(type='SoftmaxFocalLoss', gamma=2.0),
                 kd_loss: dict = dict(type='KDLoss', temperature=1.0, detach_teacher=False),
                 loss_weights: Optional[dict] = None,
                 distillation: bool = True,
                 pred_head: str = 'auto',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(in_channels, num_classes, modality_keys, pred_head,
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.base_size, self.scales = int(base_size), tuple(int(k) for k in scales)
        self.sizes = tuple(self.base_size * k for k in self.scales)
        num_pixels = self.base_size ** 2
        self.distillation = distillation
        self.loss_weights = {**dict(rec=5.0, aux=0.3, kd=1.0), **(loss_weights or {})}

        def build(default: dict, override: Optional[dict]) -> torch.nn.Module:
            return MODELS.build({**default, **(override or {})})

        self.encoder = build(dict(type='MIViTAlignmentEncoder', in_channels=self.in_channels,
                                  scales=self.scales, out_channels=embed_dim), encoder)
        self.fusion = build(dict(type='OrientedAttentionFusion', channels=embed_dim), fusion)
        self.transformer = build(dict(type='MIViTTransformer', num_pixels=num_pixels,
                                      embed_dim=embed_dim), transformer)
        self.head = build(dict(type='MIViTFusedHead', num_classes=num_classes,
                               embed_dim=embed_dim), head)
        self.modality_heads = torch.nn.ModuleList(
            build(dict(type='MIViTConvHead', num_classes=num_classes, in_channels=embed_dim),
                  modality_head) for _ in range(2))
        self.pyramid = self.pyramid_head = None
        if pyramid is not None:
            mode = 'authors' if self.sizes == (8, 16, 24) else 'pooled'
            self.pyramid = build(dict(type='MIViTCrossScalePyramid', in_channels=self.in_channels,
                                      scales=self.scales, channels=embed_dim, mode=mode), pyramid)
            self.pyramid_head = build(dict(type='MIViTPyramidHead', num_classes=num_classes,
                                           in_channels=self.pyramid.out_channels,
                                           channels=embed_dim), pyramid_head)
        self.decoder = None if decoder is None else build(
            dict(type='MIViTReconstructionDecoder', in_channels=self.in_channels,
                 num_pixels=num_pixels, scales=self.scales, encoder_dim=embed_dim), decoder)
        self.iac = None if iac is None else build(
            dict(type='InformationAggregationLoss', channels=embed_dim, num_pixels=num_pixels),
            iac)
        self.cls_loss = MODELS.build(cls_loss)
        self.kd_loss = MODELS.build(kd_loss)

    # ------------------------------------------------------------- inputs
    def _crops(self, inputs: Dict[str, torch.Tensor], index: int) -> List[torch.Tensor]:
        key = self.modality_keys[index]
        x = inputs[key]
        if x.shape[1] != self.in_channels[index]:
            raise ValueError(f'MIViT: "{key}" has {x.shape[1]} bands, the model was built for '
                             f'{self.in_channels[index]}')
        return multiscale_crops(x, self.sizes)

    # ------------------------------------------------------------- forward
    def extract_feat(self, inputs: Dict[str, torch.Tensor]) -> dict:
        """All the fused path's tensors (both modalities needed)."""
        crops_a, crops_b = self._crops(inputs, 0), self._crops(inputs, 1)
        z_a, z_b = self.encoder(crops_a, crops_b)
        z_f = self.fusion(z_a, z_b)
        x_vit, tokens = self.transformer(z_f)
        x_cls, cnn, vit = self.head(x_vit, tokens)
        return dict(crops_a=crops_a, crops_b=crops_b, z_a=z_a, z_b=z_b, z_f=z_f,
                    x_vit=x_vit, tokens=tokens, x_cls=x_cls, cnn=cnn, vit=vit)

    def single_modality_scores(self, inputs: Dict[str, torch.Tensor], index: int) -> torch.Tensor:
        """Class scores of modality ``index`` alone: its stream + its own head."""
        z = self.encoder.forward_single(self._crops(inputs, index), index)
        return self.modality_heads[index](z)

    def logits(self, inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        """``(B, K)`` scores of the prediction head (``x_cls`` or a modality head)."""
        head = self.prediction_head(inputs)
        if head == 'fused':
            return self.extract_feat(inputs)['x_cls']
        return self.single_modality_scores(inputs, head)

    def loss(self, inputs: Dict[str, torch.Tensor], data_samples) -> dict:
        target = torch.cat([s.gt_label for s in data_samples]).to(
            next(iter(inputs.values())).device)
        feats = self.extract_feat(inputs)
        x_cls = feats['x_cls']
        losses = {'loss_cls': self.cls_loss(x_cls, target)}
        if self.decoder is not None:
            losses['loss_rec'] = self.loss_weights['rec'] * self.decoder(
                feats['x_vit'], feats['crops_a'], feats['crops_b'])
        if not self.distillation:
            return losses
        outputs = {'a': self.modality_heads[0](feats['z_a']),
                   'b': self.modality_heads[1](feats['z_b'])}
        if self.pyramid is not None:
            outputs['pyramid'] = self.pyramid_head(self.pyramid(feats['crops_a'], feats['crops_b']))
        for name, out in outputs.items():
            losses[f'loss_aux_{name}'] = self.loss_weights['aux'] * self.cls_loss(out, target)
            losses[f'loss_kd_{name}'] = self.loss_weights['kd'] * self.kd_loss(out, x_cls)
        if self.iac is not None:
            losses['loss_iac'] = self.iac(feats['z_a'], feats['z_b'], feats['z_f'])
        return losses

    def predict(self, inputs: Dict[str, torch.Tensor], data_samples=None):
        head = self.prediction_head(inputs)
        scores = self.logits(inputs)
        # x_cls mixes logits and probabilities; the modality heads give probabilities
        scores = scores.softmax(dim=1) if head == 'fused' or not self._heads_softmax() \
            else scores
        return scores_to_data_samples(scores, data_samples)

    def _heads_softmax(self) -> bool:
        return bool(getattr(self.modality_heads[0], 'softmax', True))
