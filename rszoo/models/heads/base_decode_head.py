"""The base of rszoo's segmentation decode heads (mmsegmentation's
``BaseDecodeHead`` contract, rszoo's own code).

A decode head maps the backbone's (or neck's) feature tuple to class logits
``(N, K, h, w)`` in :meth:`forward`; :meth:`loss` compares them with the
samples' ``gt_sem_seg`` (logits resized bilinearly to the label size when they
differ), :meth:`predict` returns them for the segmentor to resize and argmax.
"""
import inspect
from typing import Dict, List, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import nn

from rszoo.registry import MODELS
from rszoo.structures import SegDataSample


class BaseDecodeHead(BaseModule):
    """Logits from features, and the segmentation losses on them.

    Args:
        num_classes (int): ``K``.
        loss_decode (dict | list[dict]): the loss(es); each must have a
            ``loss_name`` (its key in the loss dict, containing ``'loss'``).
            Defaults to :class:`~rszoo.models.losses.SegCrossEntropyLoss`.
        ignore_index (int): label of unlabelled / padded pixels; such
            pixels are left out of ``acc_seg``. Defaults to 255.
        align_corners (bool): of the bilinear resize of logits to labels.
        init_cfg (dict | list, optional): the init.
    """

    def __init__(self,
                 num_classes: int,
                 loss_decode: Union[dict, Sequence[dict]] = dict(type='SegCrossEntropyLoss'),
                 ignore_index: int = 255,
                 align_corners: bool = False,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if num_classes < 2:
            raise ValueError(f'{type(self).__name__}: num_classes must be >= 2, got '
                             f'{num_classes}')
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.align_corners = align_corners
        configs = [loss_decode] if isinstance(loss_decode, dict) else list(loss_decode)
        self.loss_decode = nn.ModuleList(
            [c if isinstance(c, nn.Module) else MODELS.build(self._fill_num_classes(c))
             for c in configs])
        names = [loss.loss_name for loss in self.loss_decode]
        if len(set(names)) != len(names) or not all('loss' in n for n in names):
            raise ValueError(f'{type(self).__name__}: loss names must be unique and contain '
                             f'"loss" (mmengine sums only those), got {names}')

    def _fill_num_classes(self, cfg: dict) -> dict:
        """A loss config with ``num_classes`` set to the head's when the loss
        takes that argument (:class:`~rszoo.models.losses.ACWLoss`) and the
        config leaves it out; a different value is an error."""
        loss_cls = MODELS.get(cfg['type']) if isinstance(cfg['type'], str) else cfg['type']
        if loss_cls is None:
            raise KeyError(f'{type(self).__name__}: loss type {cfg["type"]!r} is not registered')
        if 'num_classes' not in inspect.signature(loss_cls.__init__).parameters:
            return cfg
        if cfg.get('num_classes', self.num_classes) != self.num_classes:
            raise ValueError(f'{type(self).__name__}: loss {cfg["type"]} has num_classes='
                             f'{cfg["num_classes"]} but the head has {self.num_classes}')
        return dict(cfg, num_classes=self.num_classes)

    def forward(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        raise NotImplementedError

    @staticmethod
    def stack_labels(data_samples: List[SegDataSample]) -> torch.Tensor:
        """The samples' ``gt_sem_seg`` as one ``(N, H, W)`` int64 tensor."""
        try:
            return torch.stack([s.gt_sem_seg.data.squeeze(0) for s in data_samples]).long()
        except AttributeError:
            raise ValueError('BaseDecodeHead: every data sample needs gt_sem_seg to compute '
                             'the loss') from None

    def loss(self, feats: Tuple[torch.Tensor, ...],
             data_samples: List[SegDataSample]) -> Dict[str, torch.Tensor]:
        return self.loss_by_feat(self.forward(feats), data_samples)

    def loss_by_feat(self, logits: torch.Tensor,
                     data_samples: List[SegDataSample]) -> Dict[str, torch.Tensor]:
        """The losses (and the pixel accuracy ``acc_seg``, %) of ``logits``."""
        labels = self.stack_labels(data_samples).to(logits.device)
        if logits.shape[2:] != labels.shape[1:]:
            logits = F.interpolate(logits, size=labels.shape[1:], mode='bilinear',
                                   align_corners=self.align_corners)
        losses = {loss.loss_name: loss(logits, labels) for loss in self.loss_decode}
        with torch.no_grad():
            valid = labels != self.ignore_index
            correct = (logits.argmax(1) == labels) & valid
            losses['acc_seg'] = correct.sum().float() * 100. / valid.sum().clamp_min(1)
        return losses

    def predict(self, feats: Tuple[torch.Tensor, ...], batch_img_metas=None) -> torch.Tensor:
        """Logits ``(N, K, h, w)``; the segmentor resizes and crops them."""
        return self.forward(feats)
