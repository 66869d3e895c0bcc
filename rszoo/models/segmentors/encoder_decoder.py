"""Encoder-decoder segmentor: backbone (+ neck) + decode head.

rszoo's counterpart of mmsegmentation's ``EncoderDecoder`` with mmengine's three
``forward`` modes (as mmpretrain's ``ImageClassifier``):

- ``'tensor'``: logits ``(N, K, H, W)`` at the input size (no post-processing);
- ``'loss'``: the decode head's loss dict against ``gt_sem_seg``;
- ``'predict'``: :class:`~rszoo.structures.SegDataSample` s with ``seg_logits``
  ``(K, h, w)`` and ``pred_sem_seg`` ``(1, h, w)`` at each sample's
  ``img_shape`` (batch padding cropped away), inferred as ``test_cfg`` says.

Inference modes (``test_cfg['mode']``):

``'whole'``  one pass over the (padded) batch.
``'slide'``  overlapping ``crop_size`` windows every ``stride`` pixels; the
             logits of overlapping windows are averaged (mmsegmentation's).
``'core'``   DIAnet's validation (authors' ``Image_Patch_adaptive_plus``,
             ``lib/core/function.py``): the image is cut into a ``grid`` of cores
             (``H // rows`` x ``W // cols``, the last row/column taking the rest);
             each core goes through the network inside a window of the core plus
             ``context`` pixels (half on each side, shifted to stay inside the
             image) and only the core's logits are kept. For a 100 x 100 tile,
             ``grid=(4, 4), context=50`` gives 16 windows of 75 x 75 and 25 x 25 cores.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import PixelData

from rszoo.registry import MODELS
from rszoo.structures import SegDataSample

INFERENCE_MODES = ('whole', 'slide', 'core')


@MODELS.register_module()
class EncoderDecoder(BaseModel):
    """Backbone (+ neck) + decode head (see the module docstring).

    Args:
        backbone (dict): returns a tuple of feature maps.
        decode_head (dict): a :class:`~rszoo.models.heads.BaseDecodeHead`.
        neck (dict, optional): between backbone and head.
        train_cfg (dict, optional): unused; kept for the config layout.
        test_cfg (dict, optional): ``dict(mode='whole')`` (default),
            ``dict(mode='slide', crop_size=(h, w), stride=(sh, sw))`` or
            ``dict(mode='core', grid=(rows, cols), context=c)``.
        data_preprocessor (dict, optional): defaults to
            :class:`~rszoo.models.data_preprocessors.SegDataPreprocessor`.
        init_cfg (dict | list, optional): the init.
    """

    def __init__(self,
                 backbone: dict,
                 decode_head: dict,
                 neck: Optional[dict] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='SegDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.decode_head = MODELS.build(decode_head)
        self.num_classes = self.decode_head.num_classes
        self.align_corners = self.decode_head.align_corners
        self.train_cfg = train_cfg or {}
        self.test_cfg = dict(test_cfg or dict(mode='whole'))
        self._check_test_cfg(self.test_cfg)

    @staticmethod
    def _check_test_cfg(cfg: dict) -> None:
        mode = cfg.get('mode', 'whole')
        if mode not in INFERENCE_MODES:
            raise ValueError(f'EncoderDecoder: test_cfg mode must be one of {INFERENCE_MODES}, '
                             f'got {mode!r}')
        required = {'slide': ('crop_size', 'stride'), 'core': ('grid', 'context')}
        missing = [k for k in required.get(mode, ()) if k not in cfg]
        if missing:
            raise ValueError(f'EncoderDecoder: test_cfg mode {mode!r} needs {missing}')

    # ------------------------------------------------------------ features
    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        feats = self.backbone(inputs)
        if self.neck is not None:
            feats = self.neck(feats)
        return feats

    def encode_decode(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, K, H, W)`` resized to the input's ``H, W``."""
        logits = self.decode_head.predict(self.extract_feat(inputs))
        if logits.shape[2:] != inputs.shape[2:]:
            logits = F.interpolate(logits, size=inputs.shape[2:], mode='bilinear',
                                   align_corners=self.align_corners)
        return logits

    # ------------------------------------------------------------ modes
    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[SegDataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.encode_decode(inputs)
        raise RuntimeError(f'EncoderDecoder: invalid mode "{mode}"; expected "loss", '
                           '"predict" or "tensor"')

    def loss(self, inputs: torch.Tensor,
             data_samples: List[SegDataSample]) -> Dict[str, torch.Tensor]:
        return self.decode_head.loss(self.extract_feat(inputs), data_samples)

    def inference(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, K, H, W)`` of the padded batch, as ``test_cfg`` says."""
        mode = self.test_cfg.get('mode', 'whole')
        if mode == 'slide':
            return self.slide_inference(inputs)
        if mode == 'core':
            return self.core_inference(inputs)
        return self.encode_decode(inputs)

    def slide_inference(self, inputs: torch.Tensor) -> torch.Tensor:
        """Average of the logits of overlapping ``crop_size`` windows."""
        crop_h, crop_w = _pair(self.test_cfg['crop_size'])
        stride_h, stride_w = _pair(self.test_cfg['stride'])
        n, _, h, w = inputs.shape
        rows = max(-(-(h - crop_h) // stride_h), 0) + 1
        cols = max(-(-(w - crop_w) // stride_w), 0) + 1
        logits = inputs.new_zeros((n, self.num_classes, h, w))
        count = inputs.new_zeros((1, 1, h, w))
        for r in range(rows):
            for c in range(cols):
                y1, x1 = min(r * stride_h + crop_h, h), min(c * stride_w + crop_w, w)
                y0, x0 = max(y1 - crop_h, 0), max(x1 - crop_w, 0)
                logits[:, :, y0:y1, x0:x1] += self.encode_decode(inputs[:, :, y0:y1, x0:x1])
                count[:, :, y0:y1, x0:x1] += 1
        return logits / count

    def core_inference(self, inputs: torch.Tensor) -> torch.Tensor:
        """DIAnet's core stitching (module docstring)."""
        rows, cols = _pair(self.test_cfg['grid'])
        context_h, context_w = _pair(self.test_cfg['context'])
        n, _, h, w = inputs.shape
        if h < rows or w < cols:
            raise ValueError(f'EncoderDecoder: a {h} x {w} input cannot be cut into a '
                             f'{rows} x {cols} grid of cores')
        logits = inputs.new_zeros((n, self.num_classes, h, w))
        for y0, y1, wy0, wy1 in _core_windows(h, rows, context_h):
            for x0, x1, wx0, wx1 in _core_windows(w, cols, context_w):
                window = self.encode_decode(inputs[:, :, wy0:wy1, wx0:wx1])
                logits[:, :, y0:y1, x0:x1] = window[:, :, y0 - wy0:y1 - wy0, x0 - wx0:x1 - wx0]
        return logits

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[SegDataSample]] = None) -> List[SegDataSample]:
        logits = self.inference(inputs)
        if data_samples is None:
            data_samples = [SegDataSample() for _ in range(inputs.shape[0])]
        for sample, sample_logits in zip(data_samples, logits):
            img_shape = sample.metainfo.get('img_shape', inputs.shape[2:])
            sample_logits = sample_logits[:, :img_shape[0], :img_shape[1]]
            ori_shape = sample.metainfo.get('ori_shape', img_shape)
            if tuple(ori_shape[:2]) != tuple(img_shape[:2]):
                sample_logits = F.interpolate(
                    sample_logits[None], size=tuple(ori_shape[:2]), mode='bilinear',
                    align_corners=self.align_corners)[0]
            sample.seg_logits = PixelData(data=sample_logits)
            sample.pred_sem_seg = PixelData(data=sample_logits.argmax(0, keepdim=True))
        return data_samples


def _pair(value: Union[int, Sequence[int]]) -> Tuple[int, int]:
    if isinstance(value, int):
        return value, value
    value = tuple(value)
    if len(value) != 2:
        raise ValueError(f'EncoderDecoder: expected an int or a pair, got {value!r}')
    return value


def _core_windows(size: int, parts: int, context: int):
    """``(core_start, core_end, window_start, window_end)`` along one axis."""
    core = size // parts
    for i in range(parts):
        start, end = i * core, size if i == parts - 1 else (i + 1) * core
        length = min(end - start + context, size)
        w0 = min(max(start - context // 2, 0), size - length)
        yield start, end, w0, w0 + length
