"""DSVA: deep semantic-visual alignment for zero-shot scene classification.

W. Xu, J. Wang, Z. Wei, M. Peng, Y. Wu, "Deep Semantic-Visual Alignment for
Zero-Shot Remote Sensing Image Scene Classification". Facts from the abstract
and the authors' public code (``wenjiaXu/RS_Scene_ZSL``, ``CLIP_proto``);
rszoo's choices where they are silent or differ are listed in
``configs/dsva/README.md``.

Inputs: images ``x`` (N, 3, H, W) with global class labels ``y``; the class
attribute matrix ``phi`` (C, A) over ALL classes of the split (made by
machine: ``tools/zeroshot/annotate_attributes.py``), optionally with each
attribute column z-scored over the classes of ``class_subset``
(``attribute_normalization='zscore'``); seen classes ``S``.

    T = patch tokens of a ViT backbone                      (N, L, D), grid h x w
    mapping (VisualAttributeMapping):
        s = T P^T, M = softmax_patches(s), a = max_patches s     (N, A, h, w), (N, A)
    global head (GlobalAttributeHead, optional):  g = W LN(mean T) + b   (N, A)
    compatibility (ALE):  f = scale * a @ phi^T            (N, C)
    attention concentration (AttentionConcentration, optional):
        box = most attended window of the top-k maps of M; x' = resize(crop(x, box))
        a' = mapping(backbone(x')).scores, f' = scale * a' @ phi^T

Training loss (each term optional; weights are the losses' ``loss_weight``;
the authors' flags in brackets)::

    L = SC(f, y; S)            [l_xe 1]   + SR(a, phi_y)   [l_attri 8e-2]
      + SC(f_glob, y; S)       [xe 1]     + SR(g, phi_y)   [attri 1e-2]
      + SC(f', y; S)           [xe_pro 1] + SR(a', phi_y)  [rszoo: 8e-2]

``SC`` = :class:`SemanticCompatibilityLoss` (cross-entropy over the seen
classes), ``SR`` = :class:`SemanticRegressionLoss` (MSE). The proposal branch
runs from iteration ``concentration_start_iter`` on; for the first
``freeze_backbone_iters`` iterations the backbone runs without gradients (the
authors' ``pretrain_epoch``: only prototypes and the global head learn).

Inference (ZSL and GZSL): logits over ALL ``C`` classes = the mean of the
logits of the ``test_branches`` (default: the prototype branch, plus the
proposal branch when concentration is on; -inf for classes outside
``class_subset``); ``pred_score = softmax(logits)``, then calibrated stacking
(Chao et al., ECCV 2016) subtracts ``calibration_gamma`` from the seen classes' scores
(:func:`rszoo.evaluation.functional.calibrated_stacking`; the authors: 0.7 in
their ZSL scripts, 1e-4 for GZSL). ZSL restricts the arg-max to the unseen
classes in the metric (``ZSLMetric``). Use either this gamma or the metric's
calibration, not both.

Shapes: inputs (N, 3, H, W); class_attributes (C, A); attention (N, A, h, w);
attribute scores (N, A); logits / pred_score (N, C).
"""
import math
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from rszoo.datasets.zeroshot import ClassSplit
from rszoo.fileio import resolve_path
from rszoo.models.utils.forward_modes import LossPredictTensorMixin
from rszoo.models.utils.prediction_samples import scores_to_data_samples
from rszoo.registry import MODELS

BRANCHES = ('mapping', 'global', 'proposal')
#: values of ``DSVA(attribute_normalization=...)``
ATTRIBUTE_NORMALIZATIONS = (None, 'none', 'zscore')


def attribute_names_file(matrix_path: str) -> str:
    """The attribute-names sidecar of a class-attribute ``.npy``:
    ``<stem>.attributes.txt`` (written by the annotation tool)."""
    return osp.splitext(matrix_path)[0] + '.attributes.txt'


def load_class_attributes(class_attributes: Union[str, dict, np.ndarray],
                          split: ClassSplit) -> Tuple[np.ndarray, Optional[List[str]]]:
    """``(phi (C, A) in split.classes order, attribute names or None)``.

    ``class_attributes``: a ``.npy`` / ``.mat`` / ``.csv`` path (read by
    ``AttributeMatrixEmbedding``, rows matched by the sidecar class names), a
    class-embedding provider config (``CLASS_EMBEDDINGS``), or an array whose
    rows are the split's classes in order. A relative path is resolved by
    :func:`rszoo.fileio.resolve_path`."""
    from rszoo.models.class_embeddings import class_matrix
    if isinstance(class_attributes, str):
        class_attributes = resolve_path(class_attributes)
    matrix, provider = class_matrix(
        class_attributes, split.classes, owner='DSVA', what='class attribute matrix',
        hint='make it with tools/zeroshot/annotate_attributes.py (see configs/dsva/README.md)')
    names = getattr(provider, 'attribute_names', None)
    path = getattr(provider, 'path', None)
    if names is None and isinstance(path, str) and osp.isfile(attribute_names_file(path)):
        names = read_names(attribute_names_file(path))
    return matrix, names


def attribute_metadata_file(matrix_path: str) -> str:
    """The provenance sidecar of a class-attribute ``.npy``:
    ``<stem>.meta.json`` (written by the annotation tool)."""
    return osp.splitext(matrix_path)[0] + '.meta.json'


def attribute_source(class_attributes) -> Optional[str]:
    """The ``source`` recorded in the ``.meta.json`` sidecar of a matrix file
    (``'open_clip image-attribute similarity'``, ``'text-only fallback
    (MiniLM)'``, ...), or None when there is no file or no sidecar."""
    if isinstance(class_attributes, dict):
        class_attributes = class_attributes.get('path')
    if not isinstance(class_attributes, str):
        return None
    meta = attribute_metadata_file(resolve_path(class_attributes))
    if not osp.isfile(meta):
        return None
    import json
    try:
        with open(meta, encoding='utf-8') as f:
            source = json.load(f).get('source')
    except (OSError, ValueError, AttributeError):
        return None
    return str(source) if source is not None else None


def read_names(path: str) -> List[str]:
    """Non-empty lines of a text file (a relative path: :func:`resolve_path`)."""
    with open(resolve_path(path), encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip()]


@MODELS.register_module()
class DSVA(LossPredictTensorMixin, BaseModel):
    """Args:
        backbone (dict): a ViT returning tokens: mmpretrain
            ``VisionTransformer`` with ``out_type='raw'`` (extra tokens dropped
            by its ``num_extra_tokens``) or ``'featmap'``, or
            ``OpenCLIPVisionTower``. The last output is used.
        class_split (str): :class:`ClassSplit` JSON (seen / unseen classes;
            a relative path is resolved by :meth:`ClassSplit.from_file`, as
            the zero-shot data sets and ``ZSLMetric`` do).
        class_attributes (str | dict | array): the class attribute matrix
            ``phi`` (:func:`load_class_attributes`). The ``source`` of a
            file's ``.meta.json`` sidecar is kept as ``attribute_source``; a
            warning is logged when it is not the image-based open_clip
            annotation (e.g. the text-only MiniLM fallback).
        mapping (dict): ``VisualAttributeMapping`` config; ``in_channels`` and
            ``num_attributes`` are filled in when absent.
        global_head (dict, optional): ``GlobalAttributeHead`` config; None =
            no global branch.
        concentration (dict, optional): ``AttentionConcentration`` config;
            None = no proposal branch.
        compat_loss, regression_loss (dict, optional): losses of the prototype
            branch (``SemanticCompatibilityLoss`` weight 1,
            ``SemanticRegressionLoss`` weight 8e-2).
        global_compat_loss, global_regression_loss (dict, optional): the
            global branch's (weights 1 and 1e-2).
        proposal_compat_loss, proposal_regression_loss (dict, optional): the
            proposal branch's (weights 1 and 8e-2).
        compatibility_scale (float): ``scale`` of ``f = scale * a @ phi^T``.
            Defaults to 1.
        test_branches (sequence, optional): branches whose logits are averaged
            at test time, from ``('mapping', 'global', 'proposal')``; None =
            ``('mapping', 'proposal')`` with concentration, else
            ``('mapping', )``.
        concentration_start_iter (int): first training iteration with the
            proposal branch. Defaults to 0.
        freeze_backbone_iters (int): training iterations during which the
            backbone gets no gradient. Defaults to 0.
        calibration_gamma (float): calibrated stacking factor subtracted from
            the seen classes' ``pred_score``. Defaults to 0.
        attribute_names (str | list, optional): names of the ``A`` attributes
            (a file, one a line); default: the matrix's
            ``<stem>.attributes.txt`` sidecar, else ``attr_<k>``.
        class_subset (str): a name of ``SUBSET_CLASSES``, the vocabulary of
            the zero-shot data sets' ``subset``: ``'test'`` (default) or
            ``'train'``, ``'test_seen'``, ``'test_unseen'``: seen / unseen are
            the split's; ``'val'``, ``'val_train'``, ``'val_test'``: its
            validation classes (seen minus ``val_unseen`` as seen,
            ``val_unseen`` as unseen), for tuning without the unseen test
            classes: their logits are -inf and their attribute vectors take no
            part. Indices stay global either way.
        attribute_normalization (str, optional): how ``phi`` is processed
            after loading: None / ``'none'`` (as stored: the authors' code
            uses its ``att`` matrix as stored) or ``'zscore'`` (each attribute
            column standardised to mean 0, population std 1 over the classes
            of ``class_subset``, i.e. its seen + unseen classes:
            :func:`~rszoo.models.class_embeddings.attribute_annotation.zscore_columns`;
            with ``'val'`` the unseen test classes take no part in the
            statistics). The regression targets ``phi_y`` are the processed
            rows. Defaults to None.
        num_extra_tokens (int, optional): leading non-patch tokens of a 3-D
            backbone output; default: the backbone's ``num_extra_tokens``
            attribute, else 0.
        data_preprocessor (dict, optional): defaults to
            ``dict(type='ClsDataPreprocessor')``.
    """

    def __init__(self,
                 backbone: dict,
                 class_split: str,
                 class_attributes: Union[str, dict, np.ndarray],
                 mapping: dict = dict(type='VisualAttributeMapping'),
                 global_head: Optional[dict] = dict(type='GlobalAttributeHead'),
                 concentration: Optional[dict] = None,
                 compat_loss: Optional[dict] = dict(type='SemanticCompatibilityLoss',
                                                    loss_weight=1.0),
                 regression_loss: Optional[dict] = dict(type='SemanticRegressionLoss',
                                                        loss_weight=8e-2),
                 global_compat_loss: Optional[dict] = dict(type='SemanticCompatibilityLoss',
                                                           loss_weight=1.0),
                 global_regression_loss: Optional[dict] = dict(type='SemanticRegressionLoss',
                                                               loss_weight=1e-2),
                 proposal_compat_loss: Optional[dict] = dict(type='SemanticCompatibilityLoss',
                                                             loss_weight=1.0),
                 proposal_regression_loss: Optional[dict] = dict(
                     type='SemanticRegressionLoss', loss_weight=8e-2),
                 compatibility_scale: float = 1.0,
                 test_branches: Optional[Sequence[str]] = None,
                 concentration_start_iter: int = 0,
                 freeze_backbone_iters: int = 0,
                 calibration_gamma: float = 0.0,
                 attribute_names: Union[str, Sequence[str], None] = None,
                 class_subset: str = 'test',
                 attribute_normalization: Optional[str] = None,
                 num_extra_tokens: Optional[int] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        data_preprocessor = data_preprocessor or dict(type='ClsDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.split = ClassSplit.from_file(class_split)
        matrix, names = load_class_attributes(class_attributes, self.split)
        num_classes, num_attributes = matrix.shape
        seen, unseen = self.split.subset_indices(class_subset, owner='DSVA',
                                                 key='class_subset')
        if attribute_normalization not in ATTRIBUTE_NORMALIZATIONS:
            raise ValueError(f'DSVA: attribute_normalization={attribute_normalization!r}; '
                             f'expected one of {ATTRIBUTE_NORMALIZATIONS}')
        self.attribute_normalization = attribute_normalization or 'none'
        if self.attribute_normalization == 'zscore':
            from rszoo.models.class_embeddings.attribute_annotation import zscore_columns
            matrix = zscore_columns(matrix, seen + unseen)
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self.register_buffer('class_attributes', torch.from_numpy(matrix))
        self.attribute_source = attribute_source(class_attributes)
        from rszoo.models.class_embeddings.attribute_annotation import CLIP_SOURCE
        if self.attribute_source and self.attribute_source != CLIP_SOURCE:
            import logging

            from mmengine.logging import print_log
            print_log(f'DSVA: the class attribute matrix was made by '
                      f'"{self.attribute_source}" (its .meta.json), not by the image-based '
                      'CLIP annotation of the paper; report results made with it as such.',
                      logger='current', level=logging.WARNING)
        self.class_subset = class_subset
        self.register_buffer('seen_indices', torch.tensor(seen, dtype=torch.long),
                             persistent=False)
        active = torch.zeros(num_classes, dtype=torch.bool)
        active[seen + unseen] = True
        self.register_buffer('active_classes', active, persistent=False)
        self.register_buffer('iteration', torch.zeros((), dtype=torch.long))

        self.backbone = MODELS.build(backbone)
        width = (getattr(self.backbone, 'embed_dims', None) or
                 getattr(self.backbone, 'width', None))
        mapping = dict(mapping)
        mapping.setdefault('num_attributes', num_attributes)
        if 'in_channels' not in mapping:
            if width is None:
                raise ValueError('DSVA: set mapping.in_channels (the backbone has no '
                                 'embed_dims attribute to read the token width from)')
            mapping['in_channels'] = int(width)
        if mapping['num_attributes'] != num_attributes:
            raise ValueError(f'DSVA: mapping.num_attributes={mapping["num_attributes"]} but '
                             f'the class attribute matrix has {num_attributes} columns')
        self.mapping = MODELS.build(mapping)
        self.token_dims = mapping['in_channels']
        self.global_head = None
        if global_head is not None:
            global_head = dict(global_head)
            global_head.setdefault('in_channels', self.token_dims)
            global_head.setdefault('num_attributes', num_attributes)
            self.global_head = MODELS.build(global_head)
        self.concentration = MODELS.build(concentration) if concentration else None

        build = lambda cfg: MODELS.build(cfg) if cfg else None  # noqa: E731
        self.compat_loss = build(compat_loss)
        self.regression_loss = build(regression_loss)
        self.global_compat_loss = build(global_compat_loss)
        self.global_regression_loss = build(global_regression_loss)
        self.proposal_compat_loss = build(proposal_compat_loss)
        self.proposal_regression_loss = build(proposal_regression_loss)

        if test_branches is None:
            test_branches = ('mapping', 'proposal') if self.concentration else ('mapping', )
        test_branches = tuple(test_branches)
        unknown = [b for b in test_branches if b not in BRANCHES]
        if unknown or not test_branches:
            raise ValueError(f'DSVA: test_branches={test_branches}; expected a non-empty '
                             f'subset of {BRANCHES}')
        if 'global' in test_branches and self.global_head is None:
            raise ValueError('DSVA: test_branches names "global" but global_head is None')
        if 'proposal' in test_branches and self.concentration is None:
            raise ValueError('DSVA: test_branches names "proposal" but concentration is None')
        self.test_branches = test_branches
        self.compatibility_scale = float(compatibility_scale)
        self.concentration_start_iter = int(concentration_start_iter)
        self.freeze_backbone_iters = int(freeze_backbone_iters)
        self.calibration_gamma = float(calibration_gamma)
        self.num_extra_tokens = num_extra_tokens

        if isinstance(attribute_names, str):
            attribute_names = read_names(attribute_names)
        if attribute_names is None:
            attribute_names = names or [f'attr_{k}' for k in range(num_attributes)]
        attribute_names = [str(a) for a in attribute_names]
        if len(attribute_names) != num_attributes:
            raise ValueError(f'DSVA: {len(attribute_names)} attribute names for the '
                             f'{num_attributes} columns of the class attribute matrix')
        self.attribute_names = attribute_names

    # ------------------------------------------------------------------ properties
    @property
    def class_names(self) -> Tuple[str, ...]:
        return self.split.classes

    @property
    def num_classes(self) -> int:
        return self.class_attributes.size(0)

    @property
    def num_attributes(self) -> int:
        return self.class_attributes.size(1)

    # ------------------------------------------------------------------ forward parts
    def extract_tokens(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, Tuple[int, int]]:
        """Patch tokens ``(N, L, D)`` and their grid ``(h, w)``.

        A 4-D backbone output (N, D, h, w) is flattened row-major; a 3-D one
        (N, L', D) loses its ``num_extra_tokens`` leading tokens and its grid
        follows the input's aspect ratio (``h / w = H / W``)."""
        feats = self.backbone(inputs)
        x = feats[-1] if isinstance(feats, (tuple, list)) else feats
        if x.dim() == 4:
            n, d, h, w = x.shape
            return x.flatten(2).transpose(1, 2), (h, w)
        if x.dim() != 3:
            raise ValueError(f'DSVA: backbone output of shape {tuple(x.shape)}; expected '
                             'tokens (N, L, D) or a feature map (N, D, h, w)')
        extra = self.num_extra_tokens
        if extra is None:
            extra = int(getattr(self.backbone, 'num_extra_tokens', 0) or 0)
        tokens = x[:, extra:]
        num = tokens.size(1)
        height, width = inputs.shape[-2:]
        h = max(1, int(round(math.sqrt(num * height / width))))
        w = num // h
        if h * w != num:
            raise ValueError(f'DSVA: cannot lay {num} patch tokens (after dropping {extra} '
                             f'extra tokens) on a grid with the input aspect {height}x{width}; '
                             'set num_extra_tokens or use out_type="featmap"')
        return tokens, (h, w)

    def class_logits(self, attribute_scores: torch.Tensor) -> torch.Tensor:
        """ALE compatibility ``scale * a @ phi^T``: ``(N, A)`` -> ``(N, C)``."""
        return self.compatibility_scale * attribute_scores @ self.class_attributes.t().to(
            attribute_scores.dtype)

    def forward_branches(self, inputs: torch.Tensor, proposal: bool = False,
                         frozen_backbone: bool = False) -> Dict[str, Dict[str, torch.Tensor]]:
        """All branch outputs.

        Returns:
            dict: ``mapping``: ``attention`` (N, A, h, w), ``attribute_logits``
            (N, A, h, w), ``scores`` (N, A), ``logits`` (N, C); ``global``
            (with a global head): ``scores``, ``logits``; ``proposal`` (if
            asked and concentration is on): ``scores``, ``logits``,
            ``attention``, ``boxes`` (N, 4), ``crops``.
        """
        if frozen_backbone:
            with torch.no_grad():
                tokens, hw = self.extract_tokens(inputs)
            tokens = tokens.detach()
        else:
            tokens, hw = self.extract_tokens(inputs)
        mapped = self.mapping(tokens, hw)
        out = dict(mapping=dict(attention=mapped['attention'],
                                attribute_logits=mapped['logits'],
                                scores=mapped['scores'],
                                logits=self.class_logits(mapped['scores'])))
        if self.global_head is not None:
            scores = self.global_head(tokens)
            out['global'] = dict(scores=scores, logits=self.class_logits(scores))
        if proposal and self.concentration is not None:
            with torch.no_grad():
                concentrated = self.concentration(inputs, mapped['attention'],
                                                  mapped['scores'])
            crops = concentrated['crops'].detach()
            if frozen_backbone:
                with torch.no_grad():
                    crop_tokens, crop_hw = self.extract_tokens(crops)
                crop_tokens = crop_tokens.detach()
            else:
                crop_tokens, crop_hw = self.extract_tokens(crops)
            crop_mapped = self.mapping(crop_tokens, crop_hw)
            out['proposal'] = dict(scores=crop_mapped['scores'],
                                   logits=self.class_logits(crop_mapped['scores']),
                                   attention=crop_mapped['attention'],
                                   boxes=concentrated['boxes'], crops=crops)
        return out

    # ------------------------------------------------------------------ training
    @staticmethod
    def _labels(data_samples: Sequence[DataSample], device) -> torch.Tensor:
        return torch.cat([s.gt_label for s in data_samples]).to(device).long()

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        labels = self._labels(data_samples, inputs.device)
        seen = self.seen_indices.tolist()
        it = int(self.iteration.item())
        use_proposal = (self.concentration is not None and
                        (self.proposal_compat_loss is not None or
                         self.proposal_regression_loss is not None) and
                        it >= self.concentration_start_iter)
        out = self.forward_branches(inputs, proposal=use_proposal,
                                    frozen_backbone=it < self.freeze_backbone_iters)
        targets = self.class_attributes[labels]
        losses = {}
        pairs = (('', 'mapping', self.compat_loss, self.regression_loss),
                 ('global_', 'global', self.global_compat_loss, self.global_regression_loss),
                 ('proposal_', 'proposal', self.proposal_compat_loss,
                  self.proposal_regression_loss))
        for prefix, branch, compat, regress in pairs:
            if branch not in out:
                continue
            if compat is not None:
                losses[f'loss_{prefix}compat'] = compat(out[branch]['logits'], labels, seen)
            if regress is not None:
                losses[f'loss_{prefix}regress'] = regress(out[branch]['scores'], targets)
        if not losses:
            raise RuntimeError('DSVA: every loss is disabled (all loss configs are None)')
        if self.training:
            self.iteration += 1
        return losses

    # ------------------------------------------------------------------ test
    def logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """Test-time logits over all classes ``(N, C)``: the mean of the
        ``test_branches``' compatibility logits."""
        out = self.forward_branches(inputs, proposal='proposal' in self.test_branches)
        return self._test_logits(out)

    def _test_logits(self, out: Dict[str, Dict[str, torch.Tensor]]) -> torch.Tensor:
        logits = torch.stack([out[b]['logits'] for b in self.test_branches]).mean(dim=0)
        return logits.masked_fill(~self.active_classes, float('-inf'))

    def calibrate(self, scores: torch.Tensor,
                  calibration_gamma: Optional[float] = None) -> torch.Tensor:
        """Calibrated stacking: ``scores - gamma`` on the seen classes
        (``gamma`` defaults to ``calibration_gamma``)."""
        gamma = self.calibration_gamma if calibration_gamma is None else calibration_gamma
        if not gamma:
            return scores
        from rszoo.evaluation.functional import calibrated_stacking
        return calibrated_stacking(scores, self.seen_indices.tolist(), gamma)

    def predict_scores(self, inputs: torch.Tensor,
                       calibration_gamma: Optional[float] = None) -> torch.Tensor:
        """``softmax(logits)`` over all classes, minus ``gamma`` on the seen
        classes (calibrated stacking), ``(N, C)``."""
        return self.calibrate(self.logits(inputs).softmax(dim=1), calibration_gamma)

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None) -> List[DataSample]:
        scores = self.predict_scores(inputs)
        return scores_to_data_samples(scores, data_samples)

    @torch.no_grad()
    def attribute_attention(self, inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The attribute attention maps of preprocessed ``inputs`` (for
        pictures; :mod:`tools.visualization.show_attribute_attention`).

        Returns:
            dict: ``attention`` (N, A, h, w) (softmax over patches),
            ``scores`` (N, A) predicted attribute scores, ``pred_score``
            (N, C) as :meth:`predict`, and with concentration ``boxes``
            (N, 4) ``(x0, y0, x1, y1)`` of the concentrated window.
        """
        out = self.forward_branches(inputs, proposal=self.concentration is not None)
        pred_score = self.calibrate(self._test_logits(out).softmax(dim=1))
        result = dict(attention=out['mapping']['attention'], scores=out['mapping']['scores'],
                      pred_score=pred_score)
        if 'proposal' in out:
            result['boxes'] = out['proposal']['boxes']
        return result
