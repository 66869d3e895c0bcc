"""mmengine's three ``forward`` modes for rszoo models that score classes."""
from typing import List, Optional

import torch
from mmpretrain.structures import DataSample


class LossPredictTensorMixin:
    """``forward(inputs, data_samples, mode)`` dispatching mmengine's modes:
    ``'loss'`` -> ``self.loss``, ``'predict'`` -> ``self.predict``,
    ``'tensor'`` -> ``self.logits`` (N, C). Put it before ``BaseModel`` in
    the bases."""

    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.logits(inputs)
        raise RuntimeError(f'{type(self).__name__}: invalid mode "{mode}"; expected "loss", '
                           '"predict" or "tensor"')
