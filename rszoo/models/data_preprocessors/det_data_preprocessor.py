"""Batching for object detection: normalise, pad, and tell each sample the
batch's padded shape (mmdetection's ``DetDataPreprocessor`` contract).

mmengine's :class:`~mmengine.model.ImgDataPreprocessor` does the work (optional
BGR -> RGB swap, ``(x - mean) / std``, bottom/right zero padding to a multiple of
``pad_size_divisor``, stacking into ``(N, C, H, W)``); boxes need no change
because padding only extends the bottom and right edges. Each sample's
metainfo gets ``batch_input_shape`` (the stacked ``(H, W)``) and ``pad_shape``
(the same), which the head uses to lay out its points; ``img_shape`` keeps the
unpadded size, which predicted boxes are clipped to.
"""
from typing import Optional, Sequence

from mmengine.model import ImgDataPreprocessor

from rszoo.registry import MODELS


@MODELS.register_module()
class DetDataPreprocessor(ImgDataPreprocessor):
    """Normalise and pad detection batches (module docstring).

    Args:
        mean (sequence[float], optional): per-channel mean (after the swap).
        std (sequence[float], optional): per-channel std.
        pad_size_divisor (int): pad H and W up to a multiple of it. Defaults
            to 32 (the coarsest stride of a C3-C5 backbone).
        pad_value (float): padding value (after normalisation). Defaults to 0.
        bgr_to_rgb (bool): swap channels 0 and 2 (images decoded as BGR).
    """

    def __init__(self,
                 mean: Optional[Sequence[float]] = None,
                 std: Optional[Sequence[float]] = None,
                 pad_size_divisor: int = 32,
                 pad_value: float = 0,
                 bgr_to_rgb: bool = False,
                 rgb_to_bgr: bool = False,
                 non_blocking: Optional[bool] = False):
        super().__init__(mean=mean, std=std, pad_size_divisor=pad_size_divisor,
                         pad_value=pad_value, bgr_to_rgb=bgr_to_rgb, rgb_to_bgr=rgb_to_bgr,
                         non_blocking=non_blocking)

    def forward(self, data: dict, training: bool = False) -> dict:
        data = super().forward(data, training)
        inputs, samples = data['inputs'], data.get('data_samples')
        if samples is not None:
            shape = tuple(inputs.shape[2:])
            for sample in samples:
                sample.set_metainfo(dict(batch_input_shape=shape, pad_shape=shape))
        return data
