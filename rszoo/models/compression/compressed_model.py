"""``type='CompressedModel'``: any dense model config + a compression plan.

Builds the dense model from its own config (``model``), applies a plan written
by ``tools/model_converters/picpq_compress.py`` (pruned widths, per-layer bits;
:func:`~rszoo.models.compression.apply_plan`) and returns the model itself, so
its state-dict keys are the dense model's: the pruned checkpoint loads with
``load_from``, and ``tools/test.py``, ``tools/analysis/get_flops.py`` and
``tools/infer.py`` work on it unchanged. Fake quantization (PIC-PQ, Xie et al.,
arXiv:2312.00851: DoReFa weights and activations with a straight-through
estimator) starts as ``quantize`` says and is switched on at configured epochs
by :class:`~rszoo.engine.hooks.FakeQuantHook`::

    model = dict(type='CompressedModel', model=<the dense model's config>,
                 plan='work_dirs/<run>/compress/plan.json')
    load_from = 'work_dirs/<run>/compress/pruned.pth'
    custom_hooks = [dict(type='FakeQuantHook', activations_from_epoch=10,
                         weights_from_epoch=20)]
"""
from typing import Optional, Union

from torch import nn

from rszoo.registry import MODELS
from .plan import apply_plan
from .quant_conv import set_fake_quant


@MODELS.register_module(name='CompressedModel')
def build_compressed_model(model: dict, plan: Union[str, dict],
                           quantize: Optional[dict] = None) -> nn.Module:
    """The model of ``model`` (a config dict) shrunk and quantized per ``plan``.

    Args:
        model: the dense model's config (e.g. an ``ImageClassifier``).
        plan: a plan dict or the path of ``plan.json``.
        quantize: initial fake-quantization state, ``dict(weights=bool,
            activations=bool)`` (default both off).
    """
    if not isinstance(model, dict) or 'type' not in model:
        raise TypeError(f'CompressedModel.model: expected the dense model\'s config dict with '
                        f'a "type", got {type(model).__name__}')
    quantize = dict(quantize or {})
    unknown = set(quantize) - {'weights', 'activations'}
    if unknown:
        raise KeyError(f'CompressedModel.quantize: unknown keys {sorted(unknown)} '
                       "(expected 'weights', 'activations')")
    built = MODELS.build(model)
    apply_plan(built, plan)
    set_fake_quant(built, weights=bool(quantize.get('weights', False)),
                   activations=bool(quantize.get('activations', False)))
    return built
