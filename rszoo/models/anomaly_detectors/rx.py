"""The RX detector (global Reed-Xiaoli), the classical HAD baseline, as an
mmengine model that needs no training.

Score of pixel p: ``(x_p - mu)^T Sigma^-1 (x_p - mu)`` with the mean and the
unbiased covariance of *all* pixels of the scene and all bands it is given
(:func:`rszoo.models.utils.global_rx`). With the data set's ``bands=None`` that is
the standard full-band global RX.
"""
import time
from typing import List, Optional

import torch
from mmengine.model import BaseModel

from rszoo.registry import MODELS
from rszoo.models.utils.global_rx import global_rx


@MODELS.register_module()
class RXDetector(BaseModel):
    """Global RX. ``forward(inputs, data_samples, mode)``:
    ``'predict'`` sets ``pred_anomaly_map`` (H, W) and ``infer_s`` on each sample;
    ``'tensor'`` returns the list of (H, W) maps; ``'loss'`` is an error (nothing
    to train).
    """

    def __init__(self, data_preprocessor: Optional[dict] = None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        # a parameter-free model still needs a device anchor for mmengine
        self.register_buffer('_anchor', torch.zeros(1), persistent=False)

    @staticmethod
    def score(cube: torch.Tensor) -> torch.Tensor:
        """(B, H, W) band-first cube -> (H, W) float32 RX map."""
        if cube.dim() != 3:
            raise ValueError(f'RXDetector: expected a (bands, H, W) cube, got {tuple(cube.shape)}')
        rx = global_rx(cube.detach().cpu().numpy().transpose(1, 2, 0), normalize=True)
        return torch.from_numpy(rx).float()

    def forward(self, inputs, data_samples: Optional[List] = None, mode: str = 'tensor'):
        if mode == 'loss':
            raise RuntimeError('RXDetector has nothing to train; run it with tools/test.py '
                               'or Runner.test()')
        maps, times = [], []
        for cube in inputs:
            start = time.perf_counter()
            maps.append(self.score(cube))
            times.append(time.perf_counter() - start)
        if mode == 'tensor':
            return maps
        if mode == 'predict':
            for sample, amap, sec in zip(data_samples, maps, times):
                sample.set_field(amap, 'pred_anomaly_map')
                sample.set_field(sec, 'infer_s', field_type='metainfo')
            return data_samples
        raise RuntimeError(f'RXDetector: invalid mode "{mode}"; expected "predict" or "tensor"')
