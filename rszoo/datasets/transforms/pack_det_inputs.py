"""Pack a detection sample: ``inputs`` (C, H, W) and a
:class:`~rszoo.structures.DetDataSample` with ``gt_instances`` (mmdetection's
``PackDetInputs`` contract)."""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import InstanceData

from rszoo.registry import TRANSFORMS
from rszoo.structures import DetDataSample


@TRANSFORMS.register_module()
class PackDetInputs(BaseTransform):
    """``results`` -> ``dict(inputs, data_samples)``.

    - ``inputs``: ``img`` (``H x W x C``) as a ``(C, H, W)`` tensor (dtype kept);
    - ``data_samples``: a :class:`~rszoo.structures.DetDataSample` whose
      ``gt_instances`` holds the boxes (``bboxes`` ``(N, 4)`` float32,
      ``labels`` ``(N,)`` int64) not flagged in ``gt_ignore_flags``, and
      ``ignored_instances`` the flagged ones, when ``gt_bboxes`` is present;
      the ``meta_keys`` found in ``results`` become its metainfo.

    Args:
        meta_keys (sequence[str]): keys copied to the metainfo when present.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                                             'scale_factor', 'flip', 'flip_direction')):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        if 'img' not in results:
            raise KeyError('PackDetInputs: results has no "img"; load the image first')
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        inputs = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = DetDataSample()
        if results.get('gt_bboxes') is not None:
            boxes = np.asarray(results['gt_bboxes'], dtype=np.float32).reshape(-1, 4)
            labels = np.asarray(results.get('gt_bboxes_labels', np.zeros(len(boxes))),
                                dtype=np.int64)
            if len(labels) != len(boxes):
                raise ValueError(f'PackDetInputs: {len(boxes)} gt_bboxes but {len(labels)} '
                                 'gt_bboxes_labels')
            ignore = np.asarray(results.get('gt_ignore_flags', np.zeros(len(boxes), bool)),
                                dtype=bool)
            sample.gt_instances = InstanceData(bboxes=torch.from_numpy(boxes[~ignore]),
                                               labels=torch.from_numpy(labels[~ignore]))
            sample.ignored_instances = InstanceData(bboxes=torch.from_numpy(boxes[ignore]),
                                                    labels=torch.from_numpy(labels[ignore]))
        sample.set_metainfo({k: results[k] for k in self.meta_keys if k in results})
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
