"""Batch normalisation of images with any number of bands (multispectral)."""
from numbers import Number
from typing import Optional, Sequence

import torch
from mmpretrain.models.utils.data_preprocessor import ClsDataPreprocessor

from rszoo.registry import MODELS


@MODELS.register_module()
class MultiBandDataPreprocessor(ClsDataPreprocessor):
    """mmpretrain's ``ClsDataPreprocessor`` for ``C``-band inputs, with checks.

    mmpretrain's preprocessor already broadcasts a ``mean`` / ``std`` of any
    length over ``(N, C, H, W)`` and converts ``uint16`` batches to float
    (checked with 13-band ``uint16`` inputs); what it lacks is a clear error
    when the statistics do not match the bands (a 3-value RGB mean on a
    13-band batch ends in "The size of tensor a (13) must match the size of
    tensor b (3)"), and it silently skips ``to_rgb`` for non-3-band input.
    This subclass adds those checks and nothing else:

    - ``mean`` / ``std``: one value per band (``C`` values), or one value for
      all bands. Compute them on the training split with
      :func:`rszoo.datasets.dataset_band_stats`.
    - inputs of any integer or float dtype (``uint8``, ``uint16``, ``int16``,
      ``float32``) become ``float32`` first (torch implements few operations
      for ``uint16`` tensors: no subtraction, no ``max``), then
      ``(x - mean) / std`` per band.
    - ``num_bands`` (optional): the band count every batch must have.
    - ``to_rgb=True`` flips B, G, R to R, G, B for 3-band input only, as
      mmpretrain does; with ``num_bands`` other than 3 it is an error.

    Args:
        mean (Sequence[Number], optional): per-band means (or one value).
        std (Sequence[Number], optional): per-band standard deviations.
        num_bands (int, optional): expected ``C``. Defaults to None (taken from
            ``mean`` when it has more than one value).
        **kwargs: ``pad_size_divisor``, ``pad_value``, ``to_rgb``,
            ``to_onehot``, ``num_classes``, ``batch_augments`` of
            ``ClsDataPreprocessor``.

    Raises:
        ValueError: ``mean`` and ``std`` differ in length or hold a zero std;
            at :meth:`forward`, a batch whose band count differs from the
            statistics (the message gives both).
    """

    def __init__(self,
                 mean: Optional[Sequence[Number]] = None,
                 std: Optional[Sequence[Number]] = None,
                 num_bands: Optional[int] = None,
                 **kwargs) -> None:
        if (mean is None) != (std is None):
            raise ValueError('MultiBandDataPreprocessor: give both mean and std, or neither.')
        if mean is not None:
            if len(mean) != len(std):
                raise ValueError(
                    f'MultiBandDataPreprocessor: mean has {len(mean)} values but std '
                    f'has {len(std)}; give one per band.')
            if any(float(s) == 0 for s in std):
                raise ValueError(f'MultiBandDataPreprocessor: std {list(std)} has a zero.')
            if num_bands is None and len(mean) > 1:
                num_bands = len(mean)
            elif num_bands is not None and len(mean) not in (1, num_bands):
                raise ValueError(
                    f'MultiBandDataPreprocessor: num_bands={num_bands} but mean/std '
                    f'have {len(mean)} values; give {num_bands} (one per band) or 1.')
        if kwargs.get('to_rgb') and num_bands not in (None, 3):
            raise ValueError(
                f'MultiBandDataPreprocessor: to_rgb=True flips 3-band BGR input, but '
                f'the input has {num_bands} bands; set to_rgb=False.')
        super().__init__(mean=mean, std=std, **kwargs)
        self.num_bands = num_bands

    def _check_bands(self, inputs) -> None:
        if self.num_bands is None:
            return
        shapes = ([tuple(inputs.shape[1:])] if isinstance(inputs, torch.Tensor)
                  else [tuple(x.shape) for x in inputs])
        for shape in shapes:
            if shape[0] != self.num_bands:
                raise ValueError(
                    f'MultiBandDataPreprocessor: an input has {shape[0]} band(s) '
                    f'(shape C x H x W = {shape}) but mean/std are set for '
                    f'{self.num_bands}; compute per-band statistics for this band '
                    'selection (rszoo.datasets.dataset_band_stats).')

    def forward(self, data: dict, training: bool = False) -> dict:
        """Check the band count, then normalise as ``ClsDataPreprocessor``.

        Args:
            data (dict): ``inputs`` (``(N, C, H, W)`` tensor or a list of
                ``(C, H, W)`` tensors, any dtype) and ``data_samples``.

        Returns:
            dict: ``inputs`` as a float32 ``(N, C, H, W)`` tensor and the
            ``data_samples``.
        """
        inputs = data['inputs']
        self._check_bands(inputs)
        # torch has few kernels for uint16 (no sub, max, ...): go to float first
        if isinstance(inputs, torch.Tensor):
            inputs = inputs if inputs.is_floating_point() else inputs.float()
        else:
            inputs = [x if x.is_floating_point() else x.float() for x in inputs]
        return super().forward(dict(data, inputs=inputs), training)
