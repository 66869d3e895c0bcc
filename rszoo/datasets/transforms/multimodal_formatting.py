"""Packing a multimodal sample for the model: ``inputs`` is a dict of tensors.

mmpretrain's ``PackInputs`` packs one ``img``; a land-cover sample holds one
``(C_m, p, p)`` band stack per modality. :class:`PackMultimodalInputs` packs
them as ``inputs = {modality: float32 tensor (C_m, p, p)}`` (collated into
``{modality: (N, C_m, p, p)}``) and the label and pixel position into an
mmpretrain ``DataSample`` (``gt_label``; metainfo ``row``, ``col`` or
``pixel_index``, ``sample_idx``).
"""
from typing import Optional, Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmpretrain.structures import DataSample

from rszoo.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackMultimodalInputs(BaseTransform):
    """Pack the stacks named in the sample's ``modalities`` (or ``keys``).

    Args:
        keys (sequence of str, optional): the modality keys to pack; default the
            sample's ``modalities`` entry. A key absent from the sample is
            skipped (a modality missing at test time), but at least one must be
            present.
        meta_keys (sequence of str): copied into the data sample's metainfo when
            present.
    """

    def __init__(self, keys: Optional[Sequence[str]] = None,
                 meta_keys: Sequence[str] = ('row', 'col', 'pixel_index', 'sample_idx')):
        self.keys = None if keys is None else tuple(keys)
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        keys = self.keys or tuple(results.get('modalities', ()))
        inputs = {}
        for key in keys:
            if key not in results:
                continue
            array = np.ascontiguousarray(results[key], dtype=np.float32)
            if array.ndim != 3:
                raise ValueError(f'PackMultimodalInputs: "{key}" must be (C, H, W), got shape '
                                 f'{array.shape}')
            inputs[key] = torch.from_numpy(array)
        if not inputs:
            raise KeyError(f'PackMultimodalInputs: none of the modalities {keys} is in the '
                           f'sample (keys: {sorted(results)})')
        sample = DataSample()
        if results.get('gt_label') is not None and int(results['gt_label']) >= 0:
            sample.set_gt_label(int(results['gt_label']))
        sample.set_metainfo({k: results[k] for k in self.meta_keys if k in results})
        return {'inputs': inputs, 'data_samples': sample}

    def __repr__(self) -> str:
        return f'{type(self).__name__}(keys={self.keys}, meta_keys={self.meta_keys})'
