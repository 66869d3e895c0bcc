"""One-stage detector: backbone (+ neck) + dense head (mmdetection's
``SingleStageDetector``), with mmengine's three ``forward`` modes:

- ``'tensor'``: the head's raw outputs (for FCOS: per-level ``cls_score``,
  ``bbox_pred``, ``centerness`` lists), no post-processing;
- ``'loss'``: the head's loss dict against each sample's ``gt_instances``;
- ``'predict'``: the :class:`~rszoo.structures.DetDataSample` s with
  ``pred_instances`` (``bboxes`` ``(M, 4)`` in original-image pixels,
  ``scores``, ``labels``).

``neck`` may be a list of necks, applied in order (mmengine builds it as a
``Sequential``), e.g. ``[FPN, UCM]``.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModel

from rszoo.registry import MODELS
from rszoo.structures import DetDataSample


@MODELS.register_module()
class SingleStageDetector(BaseModel):
    """Backbone + neck + dense head (module docstring).

    Args:
        backbone (dict): returns a tuple of feature maps (e.g. C3-C5).
        bbox_head (dict): a dense head (:class:`~rszoo.models.dense_heads.FCOSHead`).
        neck (dict | list[dict], optional): between backbone and head.
        train_cfg (dict, optional): given to the head as ``train_cfg``.
        test_cfg (dict, optional): given to the head as ``test_cfg``
            (``nms_pre``, ``score_thr``, ``nms_iou_thr``, ``max_per_img``).
        data_preprocessor (dict, optional): defaults to
            :class:`~rszoo.models.data_preprocessors.DetDataPreprocessor`.
        init_cfg (dict | list, optional): the init.
    """

    def __init__(self,
                 backbone: dict,
                 bbox_head: dict,
                 neck: Optional[Union[dict, List[dict]]] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='DetDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        bbox_head = dict(bbox_head)
        if train_cfg is not None:
            bbox_head.setdefault('train_cfg', train_cfg)
        if test_cfg is not None:
            bbox_head.setdefault('test_cfg', test_cfg)
        self.bbox_head = MODELS.build(bbox_head)
        self.train_cfg = train_cfg
        self.test_cfg = test_cfg

    # ------------------------------------------------------------ features
    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Backbone then neck(s): the head's input levels."""
        feats = self.backbone(inputs)
        if self.neck is not None:
            feats = self.neck(feats)
        return tuple(feats)

    # ------------------------------------------------------------ modes
    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[DetDataSample]] = None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.bbox_head(self.extract_feat(inputs))
        raise RuntimeError(f'{type(self).__name__}: invalid mode "{mode}"; expected "loss", '
                           '"predict" or "tensor"')

    def loss(self, inputs: torch.Tensor,
             data_samples: Sequence[DetDataSample]) -> Dict[str, torch.Tensor]:
        if data_samples is None or any('gt_instances' not in s for s in data_samples):
            raise ValueError(f'{type(self).__name__}.loss: every data sample needs '
                             'gt_instances (pack them with PackDetInputs after '
                             'LoadDetAnnotations)')
        return self.bbox_head.loss(self.extract_feat(inputs), data_samples)

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DetDataSample]] = None,
                rescale: bool = True) -> List[DetDataSample]:
        """Samples with ``pred_instances``; boxes in original-image pixels when
        ``rescale`` (divided by each sample's ``scale_factor``)."""
        if data_samples is None:
            h, w = inputs.shape[2:]
            data_samples = [DetDataSample(metainfo=dict(img_shape=(h, w)))
                            for _ in range(inputs.shape[0])]
        results = self.bbox_head.predict(self.extract_feat(inputs), data_samples,
                                         rescale=rescale)
        for sample, pred in zip(data_samples, results):
            sample.pred_instances = pred
        return data_samples
