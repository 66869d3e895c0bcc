"""The data sample of object detection: box instances and predictions.

As mmdetection's ``DetDataSample``: the instances live in mmengine
:class:`~mmengine.structures.InstanceData` fields whose entries all have the
same length ``N`` (one per box):

=====================  ====================================================
``gt_instances``       ``bboxes`` ``(N, 4)`` float32 ``x1, y1, x2, y2`` in the
                       pixels of the (resized) network input, ``labels``
                       ``(N,)`` int64 class indices ``0 .. K-1``
``ignored_instances``  boxes marked ``iscrowd`` / ignore in the annotation
                       (same fields), neither positive nor negative
``pred_instances``     ``bboxes`` ``(M, 4)`` (in the original image's pixels
                       when the detector rescales), ``scores`` ``(M,)``,
                       ``labels`` ``(M,)``
=====================  ====================================================

Box corners are continuous coordinates: a box covering pixel columns
``x0 .. x0 + w - 1`` is ``x1 = x0, x2 = x0 + w`` (COCO's ``[x, y, w, h]``).
Meta information (``img_id``, ``img_path``, ``ori_shape``, ``img_shape``,
``scale_factor`` ``(w_scale, h_scale)``, ``flip``, ``flip_direction``,
``batch_input_shape``, ``pad_shape``) is set with ``set_metainfo`` by
:class:`~rszoo.datasets.transforms.PackDetInputs` and the data preprocessor.
"""
from mmengine.structures import BaseDataElement, InstanceData


class DetDataSample(BaseDataElement):
    """A detection sample with ``gt_instances``, ``ignored_instances`` and
    ``pred_instances`` (:class:`~mmengine.structures.InstanceData`)."""

    @property
    def gt_instances(self) -> InstanceData:
        return self._gt_instances

    @gt_instances.setter
    def gt_instances(self, value: InstanceData) -> None:
        self.set_field(value, '_gt_instances', dtype=InstanceData)

    @gt_instances.deleter
    def gt_instances(self) -> None:
        del self._gt_instances

    @property
    def ignored_instances(self) -> InstanceData:
        return self._ignored_instances

    @ignored_instances.setter
    def ignored_instances(self, value: InstanceData) -> None:
        self.set_field(value, '_ignored_instances', dtype=InstanceData)

    @ignored_instances.deleter
    def ignored_instances(self) -> None:
        del self._ignored_instances

    @property
    def pred_instances(self) -> InstanceData:
        return self._pred_instances

    @pred_instances.setter
    def pred_instances(self, value: InstanceData) -> None:
        self.set_field(value, '_pred_instances', dtype=InstanceData)

    @pred_instances.deleter
    def pred_instances(self) -> None:
        del self._pred_instances
