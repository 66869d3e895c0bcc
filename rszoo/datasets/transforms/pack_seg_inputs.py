"""Pack a segmentation sample: ``inputs`` (C, H, W) and a
:class:`~rszoo.structures.SegDataSample` with ``gt_sem_seg`` (mmsegmentation's
``PackSegInputs`` contract)."""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import PixelData

from rszoo.registry import TRANSFORMS
from rszoo.structures import SegDataSample

# dtypes torch handles poorly (no arithmetic on uint16/uint32): cast to float32
_TORCH_DTYPES = (np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32,
                 np.float64, np.bool_)


@TRANSFORMS.register_module()
class PackSegInputs(BaseTransform):
    """``results`` -> ``dict(inputs, data_samples)``.

    - ``inputs``: ``img`` (``H x W x C``) as a ``(C, H, W)`` tensor, its dtype
      kept when torch supports it (``uint16`` becomes ``float32``);
    - ``data_samples``: a :class:`~rszoo.structures.SegDataSample` with
      ``gt_sem_seg`` (``PixelData``, ``(1, H, W)`` int64) when ``gt_seg_map``
      is present, and the ``meta_keys`` found in ``results`` as metainfo.

    Args:
        meta_keys (sequence[str]): keys copied to the sample's metainfo when present.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_path', 'seg_map_path',
                                             'ori_shape', 'img_shape', 'flip',
                                             'flip_direction', 'window', 'tile_id')):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        if 'img' not in results:
            raise KeyError('PackSegInputs: results has no "img"; load the image first')
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        if img.dtype.type not in _TORCH_DTYPES:
            img = img.astype(np.float32)
        inputs = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = SegDataSample()
        if results.get('gt_seg_map') is not None:
            seg = np.ascontiguousarray(results['gt_seg_map']).astype(np.int64)
            if seg.shape != img.shape[:2]:
                raise ValueError(f'PackSegInputs: gt_seg_map {seg.shape} and img '
                                 f'{img.shape[:2]} differ in size')
            sample.gt_sem_seg = PixelData(data=torch.from_numpy(seg)[None])
        sample.set_metainfo({k: results[k] for k in self.meta_keys if k in results})
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
