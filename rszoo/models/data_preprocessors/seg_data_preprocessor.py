"""Batching for semantic segmentation: normalise any number of bands, pad
images and label maps together.

mmsegmentation's ``SegDataPreProcessor`` contract (rszoo's own code, no
BGR/RGB swap: bands are used in the order the loader gives them). Each image
``(C, H, W)`` (any dtype) is cast to float, normalised per band
``(x - mean[c]) / std[c]``, and padded at the bottom/right with ``pad_val`` to
the batch's common size (the largest ``H, W``, or ``size``, rounded up to
``size_divisor``); its ``gt_sem_seg`` is padded with ``seg_pad_val`` (255, the
ignore index) to the same size. Each sample's metainfo gets
``batch_input_shape`` and ``pad_shape``; ``img_shape`` keeps the unpadded size,
which the segmentor crops predictions back to.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseDataPreprocessor
from mmengine.structures import PixelData

from rszoo.registry import MODELS


@MODELS.register_module()
class SegDataPreprocessor(BaseDataPreprocessor):
    """Normalise and pad a batch of segmentation samples (module docstring).

    Args:
        mean (sequence[float], optional): per-band mean, one value per band
            (or a single value for all). None: no centring.
        std (sequence[float], optional): per-band std, as ``mean``. None: no scaling.
        size (tuple[int, int], optional): pad every batch to this ``(H, W)``
            (an image larger than it is an error).
        size_divisor (int, optional): round the padded size up to a multiple.
        pad_val (float): image padding value (after normalisation). Defaults to 0.
        seg_pad_val (int): label padding value. Defaults to 255.
    """

    def __init__(self,
                 mean: Optional[Sequence[float]] = None,
                 std: Optional[Sequence[float]] = None,
                 size: Optional[Tuple[int, int]] = None,
                 size_divisor: Optional[int] = None,
                 pad_val: float = 0.,
                 seg_pad_val: int = 255,
                 non_blocking: Optional[bool] = False):
        super().__init__(non_blocking=non_blocking)
        self._enable_normalize = mean is not None or std is not None
        mean = [0.] if mean is None else list(mean)
        std = [1.] if std is None else list(std)
        if any(s == 0 for s in std):
            raise ValueError(f'SegDataPreprocessor: std must be non-zero, got {std}')
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1),
                             False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(-1, 1, 1),
                             False)
        self.size = None if size is None else tuple(size)
        self.size_divisor = size_divisor
        self.pad_val = pad_val
        self.seg_pad_val = seg_pad_val

    def _normalize(self, img: torch.Tensor) -> torch.Tensor:
        img = img.float()
        if not self._enable_normalize:
            return img
        for name, stat in (('mean', self.mean), ('std', self.std)):
            if stat.shape[0] not in (1, img.shape[0]):
                raise ValueError(f'SegDataPreprocessor: {stat.shape[0]} {name} values for an '
                                 f'image with {img.shape[0]} bands {tuple(img.shape)}')
        return (img - self.mean) / self.std

    def _target_size(self, shapes: List[Tuple[int, int]]) -> Tuple[int, int]:
        h, w = max(s[0] for s in shapes), max(s[1] for s in shapes)
        if self.size is not None:
            if h > self.size[0] or w > self.size[1]:
                raise ValueError(f'SegDataPreprocessor: an image of {h} x {w} does not fit '
                                 f'size={self.size}')
            h, w = self.size
        if self.size_divisor:
            d = self.size_divisor
            h, w = -(-h // d) * d, -(-w // d) * d
        return h, w

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs']
        samples = data.get('data_samples')
        if isinstance(inputs, torch.Tensor):
            inputs = list(inputs)
        images = [self._normalize(img) for img in inputs]
        if len({img.shape[0] for img in images}) != 1:
            raise ValueError('SegDataPreprocessor: images with different band counts in one '
                             f'batch: {[tuple(img.shape) for img in images]}')
        h, w = self._target_size([img.shape[1:] for img in images])
        batch = torch.stack([
            F.pad(img, (0, w - img.shape[2], 0, h - img.shape[1]), value=self.pad_val)
            for img in images])
        if samples is not None:
            for img, sample in zip(images, samples):
                pad = (0, w - img.shape[2], 0, h - img.shape[1])
                if 'gt_sem_seg' in sample:
                    gt = sample.gt_sem_seg
                    sample.gt_sem_seg = PixelData(
                        data=F.pad(gt.data, pad, value=self.seg_pad_val), **gt.metainfo)
                sample.set_metainfo(dict(batch_input_shape=(h, w), pad_shape=(h, w)))
        return dict(inputs=batch, data_samples=samples)
