"""Batching of multimodal band stacks: ``inputs`` stays a dict of tensors.

The packed samples (:class:`~rszoo.datasets.transforms.PackMultimodalInputs`)
carry ``inputs = {modality: (C_m, H, W)}``; mmengine's ``default_collate`` stacks
them into ``{modality: (N, C_m, H, W)}`` and ``pseudo_collate`` leaves lists. This
preprocessor accepts both, checks that every sample of a batch has the same
modalities and shapes, casts to float32 and moves the batch to the model's
device. No RGB assumption, no mean/std here: the data sets normalise band-wise
with statistics fitted on the training pixels.
"""
from typing import Optional

import torch
from mmengine.model import BaseDataPreprocessor

from rszoo.registry import MODELS


@MODELS.register_module()
class MultimodalDataPreprocessor(BaseDataPreprocessor):
    """Stack and cast ``{modality: tensors}`` batches (see module doc)."""

    def __init__(self, non_blocking: Optional[bool] = False):
        super().__init__(non_blocking=non_blocking)

    @staticmethod
    def _stack(name, value) -> torch.Tensor:
        if isinstance(value, torch.Tensor):
            if value.dim() != 4:
                raise ValueError(f'MultimodalDataPreprocessor: "{name}" must be (N, C, H, W), '
                                 f'got {tuple(value.shape)}')
            return value
        shapes = {tuple(x.shape) for x in value}
        if len(shapes) != 1:
            raise ValueError(f'MultimodalDataPreprocessor: "{name}" stacks of shapes '
                             f'{sorted(shapes)} in one batch; expected one (C, H, W)')
        return torch.stack(list(value))

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):  # pseudo_collate: a list of dicts
            keys = [tuple(sorted(x)) for x in inputs]
            if len(set(keys)) != 1:
                raise ValueError(f'MultimodalDataPreprocessor: samples with different '
                                 f'modalities in one batch: {sorted(set(keys))}')
            inputs = {k: [x[k] for x in inputs] for k in inputs[0]}
        if not isinstance(inputs, dict) or not inputs:
            raise TypeError('MultimodalDataPreprocessor: inputs must be a non-empty dict '
                            f'{{modality: tensors}}, got {type(inputs).__name__}')
        inputs = {k: self._stack(k, v).float() for k, v in inputs.items()}
        return dict(inputs=inputs, data_samples=data.get('data_samples'))
