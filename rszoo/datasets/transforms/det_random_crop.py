"""Box-aware random crop for detection training (mmdetection's
``RandomCrop(crop_type='absolute', allow_negative_crop=...)`` contract).

A ``crop_size`` ``(h, w)`` window (clipped to the image) is placed uniformly at
random; ``img`` is cut, ``gt_bboxes`` ``(N, 4)`` are shifted by the window's
top-left corner and clipped to it, and boxes left with ``w`` or ``h`` below
``min_size`` pixels are dropped with their ``gt_bboxes_labels`` and
``gt_ignore_flags``. Without any box left and ``allow_negative_crop=False`` the
transform returns None, and mmengine's ``BaseDataset`` draws another sample.
``img_shape`` becomes the crop's size; a ``crop_window`` ``(x0, y0, w, h)`` is
recorded. (mmcv has ``Resize`` and ``RandomFlip``, which move boxes, but no
box-aware crop.)
"""
from typing import Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS


@TRANSFORMS.register_module()
class DetRandomCrop(BaseTransform):
    """Random ``crop_size`` window that moves, clips and filters the boxes.

    Args:
        crop_size (tuple[int, int]): ``(h, w)`` of the window.
        allow_negative_crop (bool): keep crops without any box. Defaults to False.
        min_size (float): drop boxes narrower or lower than this after
            clipping. Defaults to 1 pixel.
    """

    def __init__(self, crop_size: Sequence[int], allow_negative_crop: bool = False,
                 min_size: float = 1.0):
        if len(crop_size) != 2 or min(crop_size) < 1:
            raise ValueError(f'DetRandomCrop: crop_size must be (h, w) >= 1, got {crop_size}')
        self.crop_size = (int(crop_size[0]), int(crop_size[1]))
        self.allow_negative_crop = allow_negative_crop
        self.min_size = min_size

    def transform(self, results: dict) -> Optional[dict]:
        img = results['img']
        h, w = img.shape[:2]
        ch, cw = min(self.crop_size[0], h), min(self.crop_size[1], w)
        y0 = int(np.random.randint(0, h - ch + 1))
        x0 = int(np.random.randint(0, w - cw + 1))
        results['img'] = img[y0:y0 + ch, x0:x0 + cw]
        results['img_shape'] = (ch, cw)
        results['crop_window'] = (x0, y0, cw, ch)
        if results.get('gt_bboxes') is not None:
            boxes = np.asarray(results['gt_bboxes'], dtype=np.float32).reshape(-1, 4)
            boxes = boxes - np.array([x0, y0, x0, y0], dtype=np.float32)
            boxes[:, 0::2] = boxes[:, 0::2].clip(0, cw)
            boxes[:, 1::2] = boxes[:, 1::2].clip(0, ch)
            keep = ((boxes[:, 2] - boxes[:, 0]) >= self.min_size) & \
                ((boxes[:, 3] - boxes[:, 1]) >= self.min_size)
            results['gt_bboxes'] = boxes[keep]
            for key in ('gt_bboxes_labels', 'gt_ignore_flags'):
                if results.get(key) is not None:
                    results[key] = np.asarray(results[key])[keep]
            if not self.allow_negative_crop and not keep.any():
                return None
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(crop_size={self.crop_size}, '
                f'allow_negative_crop={self.allow_negative_crop}, min_size={self.min_size})')
