"""The common floor of rszoo's two-modality land-cover classifiers (MIViT, MDFL,
FedDiff): the modality bookkeeping, the choice of prediction head and the
prediction path.

Every such model classifies a pixel from two co-registered modalities given as
``inputs = {key_a: (B, C_a, H, W), key_b: (B, C_b, H, W)}`` (HSI and LiDAR by
default) and keeps one classifier per modality beside the fused one, so that it
still predicts when a modality is missing at test time. ``pred_head`` chooses:

- ``'auto'``: the fused head when both modalities are in the batch, the present
  modality's own head when one is missing;
- ``'fused'``: the fused head (both modalities required);
- a modality key: that modality's own head.

A subclass builds its parts and implements :meth:`logits` (``(B, K)`` scores of
the head :meth:`prediction_head` names) and ``loss``.
"""
from typing import Dict, List, Sequence, Union

import torch
from mmengine.model import BaseModel

from ..utils.forward_modes import LossPredictTensorMixin
from ..utils.prediction_samples import scores_to_data_samples

#: the ``pred_head`` values besides a modality key
PRED_HEADS = ('auto', 'fused')


class BaseLandCoverClassifier(LossPredictTensorMixin, BaseModel):
    """Two-modality land-cover classifier floor (see the module docstring).

    Args:
        in_channels (sequence of int): bands of modality A and B.
        num_classes (int): K.
        modality_keys (sequence of str): the ``inputs`` keys of A and B.
        pred_head (str): ``'auto'``, ``'fused'`` or a modality key.
        data_preprocessor (dict, optional): defaults to
            ``MultimodalDataPreprocessor``.
        init_cfg (dict, optional): mmengine initialisation.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 num_classes: int,
                 modality_keys: Sequence[str] = ('hsi', 'lidar'),
                 pred_head: str = 'auto',
                 data_preprocessor=None,
                 init_cfg=None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='MultimodalDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        name = type(self).__name__
        if len(in_channels) != 2 or len(modality_keys) != 2:
            raise ValueError(f'{name}: two modalities expected, got in_channels={in_channels}, '
                             f'modality_keys={modality_keys}')
        if pred_head not in PRED_HEADS and pred_head not in modality_keys:
            raise ValueError(f'{name}: pred_head must be one of {PRED_HEADS} or a modality '
                             f'key {tuple(modality_keys)}, got {pred_head!r}')
        self.modality_keys = tuple(modality_keys)
        self.in_channels = tuple(int(c) for c in in_channels)
        self.num_classes, self.pred_head = num_classes, pred_head

    def present(self, inputs: Dict[str, torch.Tensor]) -> List[int]:
        """Indices of the modalities in ``inputs`` (at least one)."""
        name = type(self).__name__
        if not isinstance(inputs, dict):
            raise TypeError(f'{name}: inputs must be a dict {{modality: (B, C, H, W)}}, got '
                            f'{type(inputs).__name__}')
        present = [i for i, key in enumerate(self.modality_keys) if key in inputs]
        if not present:
            raise KeyError(f'{name}: none of the modalities {self.modality_keys} is in the '
                           f'inputs (keys: {sorted(inputs)})')
        return present

    def modality_input(self, inputs: Dict[str, torch.Tensor], index: int) -> torch.Tensor:
        """``inputs[key]`` of modality ``index``, checked to be ``(B, C_index, H, W)``."""
        key = self.modality_keys[index]
        x = inputs[key]
        if x.dim() != 4 or x.shape[1] != self.in_channels[index]:
            raise ValueError(f'{type(self).__name__}: "{key}" must be '
                             f'(B, {self.in_channels[index]}, H, W), got {tuple(x.shape)}')
        return x

    def prediction_head(self, inputs: Dict[str, torch.Tensor]) -> Union[str, int]:
        """``'fused'`` or the index of the modality whose own head predicts."""
        name = type(self).__name__
        present = self.present(inputs)
        if self.pred_head == 'fused' or (self.pred_head == 'auto' and len(present) == 2):
            if len(present) != 2:
                missing = [k for i, k in enumerate(self.modality_keys) if i not in present]
                raise KeyError(f'{name}: pred_head="fused" needs both modalities; missing '
                               f'{missing}')
            return 'fused'
        if self.pred_head == 'auto':
            return present[0]
        index = self.modality_keys.index(self.pred_head)
        if index not in present:
            raise KeyError(f'{name}: pred_head="{self.pred_head}" but "{self.pred_head}" is '
                           'not in the inputs')
        return index

    def logits(self, inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        """``(B, K)`` scores of :meth:`prediction_head`'s head."""
        raise NotImplementedError

    def predict(self, inputs: Dict[str, torch.Tensor], data_samples=None):
        """Data samples with ``pred_score`` (softmax of :meth:`logits`) and
        ``pred_label``."""
        return scores_to_data_samples(self.logits(inputs).softmax(dim=1), data_samples)
