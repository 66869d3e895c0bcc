"""SSKDNet: self-supervised knowledge distillation network for scene classification.

Y. Zhao, J. Liu, J. Yang, Z. Wu, "Remote Sensing Image Scene Classification
via Self-Supervised Learning and Knowledge Distillation", Remote Sensing
14(19):4813, 2022, https://doi.org/10.3390/rs14194813.

One training step on a batch ``X`` of shape ``(N, 3, H, W)`` with labels ``y``:

1. Backbone on the clean images: ``F = backbone(X)``, a tuple of stage maps
   ``F_j`` of shape ``(N, C_j, H_j, W_j)``.
2. Student path (the one kept at test time): ``z_s = head(neck(F))`` (N, K);
   the neck is :class:`~rszoo.models.necks.DynamicFeatureFusion`.
3. Corruption (:class:`~rszoo.models.utils.BackgroundMaskShuffle`, on the
   preprocessed batch): mask the background found from the attention map of
   ``F[attention_index]``, then shuffle a k x k grid of patches: ``X'``.
4. Branch path: ``G = backbone(X')`` (same weights); the branch
   (:class:`~rszoo.models.heads.FeatureRestorationHead`) restores the clean
   low-level map ``T = stopgrad(F[target_index])`` (shuffled with the
   images' patch permutation when ``target_layout='shuffled'``, the default)
   and classifies: ``R, z_t = branch(G)``.
5. Loss (each term weighted by a config field)::

       L = CE(z_s, y)                  head.loss.loss_weight        'loss_cls'
         + CE(z_t, y)                  branch.loss_cls.loss_weight  'loss_branch_cls'
         + ||R - T||^2 (or smooth-L1)  branch.loss_restore_weight   'loss_restore'
         + T^2 KL(p_t || p_s)          kd_loss.loss_weight          'loss_kd'

   with the branch as teacher (:class:`~rszoo.models.losses.KDLoss`). Backbone
   and branch are trained together in one run, with no separate
   pre-training, as the paper states. With ``kd_warmup_iters = W > 0`` the KD
   term is multiplied by ``min(1, iter / W)`` (ramped from 0, so the student
   is not pulled towards an untrained teacher's flat targets).

When the neck has ``fusion_weights`` (``DynamicFeatureFusion``,
``ResidualStageFusion``), the batch mean of each stage's weight is returned as
``fusion_gate_<i>`` beside the losses: logged, not summed into the loss.

Inference (``predict`` / ``mode='tensor'``) is ImageClassifier's: backbone ->
fusion neck -> head, the branch is never run; ``tools/model_converters/
sskdnet_to_deploy.py`` writes it as a plain ``ImageClassifier``.

By default the backbone's BatchNorm running statistics are not updated by
the corrupted pass (``keep_bn_stats_clean=True``), so the statistics used at
test time are those of clean images.
"""
import copy
import math
from contextlib import contextmanager
from typing import Dict, List, Optional

import torch
from mmpretrain.models.classifiers import ImageClassifier
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from rszoo.registry import MODELS


@MODELS.register_module()
class SSKDNet(ImageClassifier):
    """ImageClassifier + a self-supervised restoration branch that teaches the
    backbone through knowledge distillation.

    Args:
        backbone (dict): a backbone returning several stages
            (e.g. ``ResNet(out_indices=(0, 1, 2, 3))``,
            ``EfficientNetLite(out_indices=(2, 3, 5, 8))``).
        neck (dict): fuses the stages, e.g. ``DynamicFeatureFusion``.
        head (dict): the classification head of the student (test-time) path.
        branch (dict): the self-supervised branch, e.g.
            ``FeatureRestorationHead``; its ``forward(feats, target_size)``
            returns ``(restored, logits)``. Its ``num_classes`` is filled in
            from ``head.num_classes`` when absent (the teacher classifies the
            same classes as the student), so a config states the class count
            once, in the head; given both, they must agree.
        mask_shuffle (dict): the input corruption; defaults to
            ``BackgroundMaskShuffle(mode='attention', mask_ratio=0.25, grid_size=4)``.
        kd_loss (dict): the distillation loss, defaults to
            ``KDLoss(temperature=4, loss_weight=1, detach_teacher=True)``.
        target_index (int): backbone output restored by the branch (an early,
            low-level stage). Defaults to 0.
        attention_index (int): backbone output whose channel mean is the
            attention map of the background mask. Defaults to -1.
        target_layout (str): ``'shuffled'``: the clean target map is shuffled
            with the images' patch permutation, so the restored map and the
            target are spatially aligned and the branch in-paints the masked
            background; ``'original'``: the branch must also undo the shuffle
            (needs the target map's size divisible by ``grid_size`` only for
            ``'shuffled'``). Defaults to ``'shuffled'``: a convolutional
            decoder moves content only locally and cannot learn to un-shuffle
            a permutation it is not given.
        keep_bn_stats_clean (bool): leave the backbone's BatchNorm running
            statistics untouched by the corrupted pass. Defaults to True.
        branch_batch_ratio (float): fraction of each batch (the first
            ``ceil(ratio * N)`` images, at least 2; batches are shuffled) that
            goes through the corrupted pass, the branch and the KD loss. 1.0
            (the default) is the method as described; smaller values bound
            the branch's extra training time (the second backbone pass costs
            about ``ratio`` of the first).
        kd_warmup_iters (int): iterations over which the KD weight ramps
            linearly from 0 to its full value; 0 for none. Defaults to 0.
        pretrained, train_cfg, data_preprocessor, init_cfg: as ImageClassifier.
    """

    #: constructor arguments that exist only for training; the deploy
    #: converter drops them to make an ``ImageClassifier`` config.
    TRAINING_ONLY_ARGS = ('branch', 'mask_shuffle', 'kd_loss', 'target_index',
                          'attention_index', 'target_layout', 'keep_bn_stats_clean',
                          'branch_batch_ratio', 'kd_warmup_iters')
    #: state-dict prefixes of the modules used only in training.
    TRAINING_ONLY_PREFIXES = ('branch.', 'mask_shuffle.', 'kd_loss.')
    TARGET_LAYOUTS = ('original', 'shuffled')

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 branch: dict,
                 mask_shuffle: dict = dict(type='BackgroundMaskShuffle'),
                 kd_loss: dict = dict(type='KDLoss', temperature=4.0, loss_weight=1.0,
                                      detach_teacher=True),
                 target_index: int = 0,
                 attention_index: int = -1,
                 target_layout: str = 'shuffled',
                 keep_bn_stats_clean: bool = True,
                 branch_batch_ratio: float = 1.0,
                 kd_warmup_iters: int = 0,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if head is None:
            raise ValueError('SSKDNet: a classification head is required')
        if target_layout not in self.TARGET_LAYOUTS:
            raise ValueError(f'SSKDNet: target_layout must be one of {self.TARGET_LAYOUTS}, '
                             f'got {target_layout!r}')
        if not 0. < branch_batch_ratio <= 1.:
            raise ValueError('SSKDNet: branch_batch_ratio must be in (0, 1], '
                             f'got {branch_batch_ratio!r}')
        super().__init__(backbone=backbone, neck=neck, head=head, pretrained=pretrained,
                         train_cfg=train_cfg, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.branch = (branch if isinstance(branch, nn.Module) else
                       MODELS.build(self._branch_with_head_classes(branch)))
        self.mask_shuffle = (mask_shuffle if isinstance(mask_shuffle, nn.Module) else
                             MODELS.build(mask_shuffle))
        self.kd_loss = kd_loss if isinstance(kd_loss, nn.Module) else MODELS.build(kd_loss)
        self.target_index = target_index
        self.attention_index = attention_index
        self.target_layout = target_layout
        self.keep_bn_stats_clean = keep_bn_stats_clean
        self.branch_batch_ratio = branch_batch_ratio
        if kd_warmup_iters < 0:
            raise ValueError(f'SSKDNet: kd_warmup_iters must be >= 0, got {kd_warmup_iters}')
        self.kd_warmup_iters = int(kd_warmup_iters)

    def kd_ramp(self) -> float:
        """The KD weight factor at the current iteration (``min(1, iter / W)``,
        1 without a warm-up); the iteration is the Runner's (its message hub)."""
        if not self.kd_warmup_iters:
            return 1.0
        from mmengine.logging import MessageHub
        it = MessageHub.get_current_instance().get_info('iter', 0)
        return min(1.0, float(it) / self.kd_warmup_iters)

    def _branch_with_head_classes(self, branch: dict) -> dict:
        """``branch`` with ``num_classes`` = the head's when it is not given;
        a ValueError when both are given and differ."""
        branch = dict(branch)
        head_classes = getattr(self.head, 'num_classes', None)
        if branch.get('num_classes') is None:
            if head_classes is None:
                raise ValueError(f'SSKDNet: set branch.num_classes (the head '
                                 f'{type(self.head).__name__} has no num_classes to read it '
                                 'from)')
            branch['num_classes'] = head_classes
        elif head_classes is not None and branch['num_classes'] != head_classes:
            raise ValueError(f'SSKDNet: branch.num_classes={branch["num_classes"]} but '
                             f'head.num_classes={head_classes}; the teacher branch classifies '
                             'the same classes as the head (leave branch.num_classes out to '
                             "take the head's)")
        return branch

    @property
    def with_branch(self) -> bool:
        return getattr(self, 'branch', None) is not None

    @contextmanager
    def _bn_stats_frozen(self):
        """Keep the backbone's BatchNorm running statistics out of the pass
        inside (which still normalises with batch statistics in train mode).

        The buffers are swapped for copies during the pass and the originals
        put back afterwards, so the originals are never written in place (the
        clean pass's autograd graph holds them)."""
        if not self.keep_bn_stats_clean:
            yield
            return
        names = ('running_mean', 'running_var', 'num_batches_tracked')
        saved = []
        for module in self.backbone.modules():
            if isinstance(module, _BatchNorm) and module.track_running_stats \
                    and module.running_mean is not None:
                originals = tuple(getattr(module, name) for name in names)
                saved.append((module, originals))
                for name, tensor in zip(names, originals):
                    setattr(module, name, tensor.clone())
        try:
            yield
        finally:
            for module, originals in saved:
                for name, tensor in zip(names, originals):
                    setattr(module, name, tensor)

    @staticmethod
    def _pick(feats, index: int, name: str) -> torch.Tensor:
        try:
            return feats[index]
        except IndexError:
            raise IndexError(f'SSKDNet: {name}={index} does not fit the {len(feats)} '
                             "backbone outputs; check the backbone's out_indices") from None

    def loss(self, inputs: torch.Tensor, data_samples: List) -> Dict[str, torch.Tensor]:
        """The four weighted losses of one step (see the module docstring).

        Returns:
            ``loss_cls``, ``loss_branch_cls``, ``loss_restore``, ``loss_kd``
            (plus the head's ``accuracy_top-*`` when its ``cal_acc`` is on).
        """
        feats = self.backbone(inputs)
        if not isinstance(feats, (tuple, list)):
            feats = (feats, )
        neck_out = self.neck(feats) if self.with_neck else feats
        student_logits = self.head(neck_out)

        losses = {}
        for key, value in self.head._get_loss(student_logits, data_samples).items():
            losses['loss_cls' if key == 'loss' else key] = value

        # the branch's share of the batch: the first m images (batches are shuffled)
        num = inputs.shape[0]
        m = num if self.branch_batch_ratio >= 1. else min(
            num, max(2, math.ceil(self.branch_batch_ratio * num)))
        branch_samples = data_samples[:m]
        attention_feature = self._pick(feats, self.attention_index, 'attention_index')[:m]
        corrupted, _, perm = self.mask_shuffle(inputs[:m], attention_feature.detach())
        with self._bn_stats_frozen():
            branch_feats = self.backbone(corrupted)
        if not isinstance(branch_feats, (tuple, list)):
            branch_feats = (branch_feats, )

        target = self._pick(feats, self.target_index, 'target_index')[:m].detach()
        if self.target_layout == 'shuffled':
            target = self.mask_shuffle.shuffle_patches(target, perm)
        restored, teacher_logits = self.branch(branch_feats, target.shape[-2:])

        losses['loss_branch_cls'] = self.branch.classification_loss(teacher_logits,
                                                                    branch_samples)
        losses['loss_restore'] = self.branch.restoration_loss(restored, target)
        losses['loss_kd'] = self.kd_ramp() * self.kd_loss(student_logits[:m], teacher_logits)
        if self.with_neck and hasattr(self.neck, 'fusion_weights'):
            with torch.no_grad():
                gate = self.neck.fusion_weights(feats).mean(dim=0)
            for i, weight in enumerate(gate):
                losses[f'fusion_gate_{i}'] = weight
        return losses

    @classmethod
    def deploy_model_cfg(cls, model_cfg: dict) -> dict:
        """The ``ImageClassifier`` config of the test-time path of an SSKDNet
        model config (a copy; training-only arguments removed)."""
        cfg = copy.deepcopy(dict(model_cfg))
        if cfg.get('type') not in ('SSKDNet', 'rszoo.SSKDNet'):
            raise ValueError(f"SSKDNet.deploy_model_cfg: model type is {cfg.get('type')!r}, "
                             "expected 'SSKDNet'")
        for key in cls.TRAINING_ONLY_ARGS:
            cfg.pop(key, None)
        cfg['type'] = 'ImageClassifier'
        return cfg

    @classmethod
    def deploy_state_dict(cls, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``state_dict`` without the training-only modules' entries."""
        return {k: v for k, v in state_dict.items()
                if not k.startswith(cls.TRAINING_ONLY_PREFIXES)}
