"""Batching of pre-extracted feature vectors (no image normalisation)."""
from typing import Optional

import torch
from mmengine.model import BaseDataPreprocessor

from rszoo.registry import MODELS


@MODELS.register_module()
class FeatureDataPreprocessor(BaseDataPreprocessor):
    """Stack the ``inputs`` of a batch of feature samples into ``(N, D)`` float
    and move the batch to the model's device.

    Args:
        l2_normalize (bool): divide each vector by its L2 norm. Defaults to False.
    """

    def __init__(self, l2_normalize: bool = False, non_blocking: Optional[bool] = False):
        super().__init__(non_blocking=non_blocking)
        self.l2_normalize = l2_normalize

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):
            shapes = {tuple(x.shape) for x in inputs}
            if len(shapes) != 1:
                raise ValueError(f'FeatureDataPreprocessor: feature vectors of shapes '
                                 f'{sorted(shapes)} in one batch; expected one (D,)')
            inputs = torch.stack(list(inputs))
        inputs = inputs.float().flatten(1)
        if self.l2_normalize:
            inputs = torch.nn.functional.normalize(inputs, dim=1)
        return dict(inputs=inputs, data_samples=data.get('data_samples'))
