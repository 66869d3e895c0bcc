"""The data sample of semantic segmentation: per-pixel labels and predictions.

As mmsegmentation's ``SegDataSample``: the pixel data live in mmengine
:class:`~mmengine.structures.PixelData` fields, each with a ``data`` tensor of
shape ``(C, H, W)``:

=================  =========================================================
``gt_sem_seg``     ground-truth class ids, ``(1, H, W)`` int64; the ignore
                   index (255) marks pixels without a label (or padding)
``pred_sem_seg``   predicted class ids, ``(1, H, W)`` int64
``seg_logits``     class scores before the argmax, ``(K, H, W)`` float
=================  =========================================================

Meta information (``img_path``, ``ori_shape``, ``img_shape``, ...) is set with
``set_metainfo`` by :class:`~rszoo.datasets.transforms.PackSegInputs`.
"""
from mmengine.structures import BaseDataElement, PixelData


class SegDataSample(BaseDataElement):
    """A segmentation sample with ``gt_sem_seg``, ``pred_sem_seg`` and
    ``seg_logits`` (:class:`~mmengine.structures.PixelData`)."""

    @property
    def gt_sem_seg(self) -> PixelData:
        return self._gt_sem_seg

    @gt_sem_seg.setter
    def gt_sem_seg(self, value: PixelData) -> None:
        self.set_field(value, '_gt_sem_seg', dtype=PixelData)

    @gt_sem_seg.deleter
    def gt_sem_seg(self) -> None:
        del self._gt_sem_seg

    @property
    def pred_sem_seg(self) -> PixelData:
        return self._pred_sem_seg

    @pred_sem_seg.setter
    def pred_sem_seg(self, value: PixelData) -> None:
        self.set_field(value, '_pred_sem_seg', dtype=PixelData)

    @pred_sem_seg.deleter
    def pred_sem_seg(self) -> None:
        del self._pred_sem_seg

    @property
    def seg_logits(self) -> PixelData:
        return self._seg_logits

    @seg_logits.setter
    def seg_logits(self, value: PixelData) -> None:
        self.set_field(value, '_seg_logits', dtype=PixelData)

    @seg_logits.deleter
    def seg_logits(self) -> None:
        del self._seg_logits
