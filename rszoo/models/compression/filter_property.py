"""PIC-PQ's filter property (FP): the average rank of a filter's feature map.

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851, define the property of filter ``i`` of conv ``l`` as

    FP(Theta_i^l) = R(o_i^l(D)) = (1 / |D|) * sum_{x in D} rank( o_i^l(x) )

where ``o_i^l(x)`` is the ``H x W`` output map of that filter for image ``x``
(the raw conv output, before BatchNorm, as the authors' ``generate_rank.py``
hooks it) and ``rank`` the matrix rank (HRank's criterion). The authors average
over the first 6 batches of 128 augmented training images with the model in
eval mode; :class:`FeatureMapRank` takes ``num_batches`` batches of whatever
loader it is given (rszoo: the config's training loader, augmentation kept).

Shapes: a conv output ``N x C x H x W`` gives ranks ``N x C``
(:func:`feature_map_rank`); FP of a conv is a ``C`` vector (float64).
"""
from typing import Callable, Dict, Iterable, Optional, Sequence

import torch
from torch import nn

from rszoo.registry import TASK_UTILS
from .bops import model_forward


def feature_map_rank(feature: torch.Tensor) -> torch.Tensor:
    """Matrix rank of every ``H x W`` map: ``N x C x H x W`` -> ``N x C`` (int64).

    ``torch.linalg.matrix_rank`` with its default tolerance
    (``max(H, W) * eps(float32) * sigma_max``), computed in float32.
    """
    if feature.dim() != 4:
        raise ValueError(f'feature_map_rank: expected an N x C x H x W tensor, got shape '
                         f'{tuple(feature.shape)}')
    return torch.linalg.matrix_rank(feature.detach().float().contiguous())


def default_batch_forward(model: nn.Module, batch) -> None:
    """Run one data-loader batch through ``model``: an mmengine data dict goes
    through ``model.data_preprocessor`` (no augmentation) and
    ``model(inputs, mode='tensor')``; a tensor is fed as it is."""
    if isinstance(batch, torch.Tensor):
        model_forward(model, batch)
        return
    data = model.data_preprocessor(batch, False)
    model_forward(model, data['inputs'])


@TASK_UTILS.register_module()
class FeatureMapRank:
    """FP of every named conv: the feature-map rank averaged over images.

    Args:
        num_batches: batches of the loader to use (the authors' ``limit``).

    ``fp = FeatureMapRank(24)(model, loader, conv_names)`` returns
    ``{conv_name: C_out vector (float64)}``; forward hooks on the convs record
    ``rank(o_i(x))`` for every image; the running mean is over all images seen.
    """

    def __init__(self, num_batches: int = 24):
        if int(num_batches) < 1:
            raise ValueError(f'FeatureMapRank.num_batches must be >= 1, got {num_batches}')
        self.num_batches = int(num_batches)

    def __call__(self, model: nn.Module, batches: Iterable, conv_names: Sequence[str],
                 forward: Optional[Callable] = None) -> Dict[str, torch.Tensor]:
        forward = forward or default_batch_forward
        sums: Dict[str, torch.Tensor] = {}
        counts: Dict[str, int] = {name: 0 for name in conv_names}

        def make_hook(name):
            def hook(module, args, output):
                ranks = feature_map_rank(output).to(torch.float64).sum(0).cpu()
                sums[name] = ranks if name not in sums else sums[name] + ranks
                counts[name] += output.shape[0]
            return hook

        handles = [model.get_submodule(name).register_forward_hook(make_hook(name))
                   for name in conv_names]
        was_training = model.training
        model.eval()
        seen = 0
        try:
            with torch.no_grad():
                for batch in batches:
                    if seen >= self.num_batches:
                        break
                    forward(model, batch)
                    seen += 1
        finally:
            for handle in handles:
                handle.remove()
            model.train(was_training)
        missing = [name for name in conv_names if counts[name] == 0]
        if missing:
            raise RuntimeError(f'FeatureMapRank: no output seen for {missing[:5]} '
                               f'({seen} batches run; is the loader empty?)')
        return {name: sums[name] / counts[name] for name in conv_names}
