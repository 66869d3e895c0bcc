"""FLOPs and bit operations (BOPs) measured on the built modules.

PIC-PQ (Xie et al., arXiv:2312.00851) reports compression as a BOPs ratio. For
one layer ``l`` (conv or linear) and one image:

    FLOPs_l = MACs_l = H_out * W_out * C_out * (C_in / groups) * k_h * k_w   (conv)
            = N_tokens * C_in * C_out                                    (linear)
    BOPs_l  = MACs_l * b_w(l) * b_a(l)

with ``b_w`` the bits of the weight and ``b_a`` the bits of the *input
activation the layer really reads*. The authors' counter (``count_bops.py``)
uses ``b_a = b_w = bit_l`` for every conv, although in their ResNet only the
activation inside each block is quantized; rszoo counts what the tensors have:

* a :class:`~rszoo.models.compression.QuantConv2d` reads ``input_bits`` when its
  input quantizer is on, else 32, and uses ``weight_bits`` when its weight
  quantizer is on, else 32;
* a plain ``Conv2d`` / ``Linear`` has 32-bit weights and reads 32 bits, unless
  its input tensor is the output of an
  :class:`~rszoo.models.compression.ActivationQuantizer` module (then that
  quantizer's bits): the stem reads the 32-bit image, a block's first conv and
  the shortcut conv read the full-precision residual stream, the head's ``fc``
  reads the pooled full-precision features.

Every count comes from one forward pass of a ``1 x C x H x W`` input through
the model as built (pruned widths included), with forward hooks on every
``Conv2d`` and ``Linear``; nothing is scaled from ratios. One multiply-add is
one FLOP (fvcore's convention, as ``tools/analysis/get_flops.py``); the
quantized values a layer reads are checked to lie on at most ``2^b`` levels.
"""
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence

import torch
from torch import nn

from rszoo.registry import TASK_UTILS
from .quant_conv import QuantConv2d
from .quantizers import FULL_PRECISION, ActivationQuantizer


@dataclass
class LayerCount:
    """One conv / linear of a forward pass (one image)."""
    name: str
    kind: str            # 'conv' or 'linear'
    in_channels: int
    out_channels: int
    groups: int          # 1 for a linear
    out_size: tuple      # (H_out, W_out) for a conv, (tokens,) for a linear
    kernel: int          # k_h * k_w for a conv, 1 for a linear
    macs: int
    weight_bits: int
    input_bits: int
    bops: int


def model_forward(model: nn.Module, x: torch.Tensor):
    """``model(x, mode='tensor')`` for an mmengine model (a classifier:
    backbone, neck and head), else ``model(x)``."""
    if hasattr(model, 'extract_feat') and hasattr(model, 'data_preprocessor'):
        return model(x, mode='tensor')
    return model(x)


def _levels(x: torch.Tensor) -> int:
    return int(torch.unique(x.detach()).numel())


@TASK_UTILS.register_module()
class BOPsCounter:
    """Count FLOPs (MACs) and BOPs of ``model`` on one ``input_shape`` image.

    Args:
        input_shape: ``(C, H, W)`` of the model's input, e.g. ``(3, 64, 64)``.
        seed: of the random test image (the levels check needs non-constant
            activations).

    ``counter(model)`` returns ``{'flops': int, 'bops': int, 'layers':
    [LayerCount as dict, ...]}`` in forward order.
    """

    def __init__(self, input_shape: Sequence[int] = (3, 64, 64), seed: int = 0):
        if len(input_shape) != 3:
            raise ValueError(f'BOPsCounter.input_shape: expected (C, H, W), got {input_shape}')
        self.input_shape = tuple(int(v) for v in input_shape)
        self.seed = seed

    def layers(self, model: nn.Module) -> List[LayerCount]:
        """The per-layer counts of one forward pass (model in eval mode)."""
        tagged: Dict[int, tuple] = {}   # id(tensor) -> (bits, tensor): the quantizers' outputs
        records: List[LayerCount] = []
        names = {m: n for n, m in model.named_modules()}

        def tag_hook(module, args, output):
            tagged[id(output)] = (module.bits, output)

        def count_hook(module, args, output):
            x = args[0]
            if isinstance(module, QuantConv2d):
                w_bits, a_bits = module.weight_bits_in_use, module.input_bits_in_use
                if a_bits != FULL_PRECISION and _levels(module.quantized_input(x)) > 2 ** a_bits:
                    raise RuntimeError(f'BOPsCounter: {names[module]} reads more than '
                                       f'2^{a_bits} levels at {a_bits} bits')
                if w_bits != FULL_PRECISION and _levels(
                        module.quantized_weight()) > 2 ** w_bits - 1:
                    raise RuntimeError(f'BOPsCounter: {names[module]} weight has more than '
                                       f'2^{w_bits} - 1 levels at {w_bits} bits')
            else:
                w_bits = FULL_PRECISION
                entry = tagged.get(id(x))
                a_bits = entry[0] if entry is not None and entry[1] is x else FULL_PRECISION
            if isinstance(module, nn.Conv2d):
                kernel = module.kernel_size[0] * module.kernel_size[1]
                out_size = tuple(int(v) for v in output.shape[2:])
                macs = int(output[0].numel()) * (module.in_channels // module.groups) * kernel
                kind, cin, cout, groups = ('conv', module.in_channels, module.out_channels,
                                           module.groups)
            else:
                kernel, groups = 1, 1
                out_size = (int(output[0].numel()) // module.out_features, )
                macs = out_size[0] * module.in_features * module.out_features
                kind, cin, cout = 'linear', module.in_features, module.out_features
            records.append(LayerCount(names[module], kind, cin, cout, groups, out_size, kernel,
                                      macs, int(w_bits), int(a_bits),
                                      macs * int(w_bits) * int(a_bits)))

        handles = []
        for module in model.modules():
            if isinstance(module, ActivationQuantizer):
                handles.append(module.register_forward_hook(tag_hook))
            elif isinstance(module, (nn.Conv2d, nn.Linear)):
                handles.append(module.register_forward_hook(count_hook))
        was_training = model.training
        model.eval()
        try:
            generator = torch.Generator().manual_seed(self.seed)
            param = next(model.parameters())
            x = torch.rand((1, ) + self.input_shape, generator=generator).to(param.device)
            with torch.no_grad():
                model_forward(model, x)
        finally:
            for handle in handles:
                handle.remove()
            model.train(was_training)
        return records

    def __call__(self, model: nn.Module) -> dict:
        records = self.layers(model)
        return dict(flops=sum(r.macs for r in records), bops=sum(r.bops for r in records),
                    input_shape=list(self.input_shape), layers=[asdict(r) for r in records])


def count_flops_bops(model: nn.Module, input_shape: Sequence[int] = (3, 64, 64)) -> dict:
    """``BOPsCounter(input_shape)(model)``."""
    return BOPsCounter(input_shape)(model)


def bops_summary(counts: dict, dense_flops: Optional[int] = None) -> dict:
    """Totals and ratios: ``flops``, ``bops``, and with ``dense_flops`` the
    FLOPs ratio and the BOPs compression ratio against the dense FP32 model
    (``dense_flops * 32 * 32 / bops``, the paper's ratio)."""
    out = dict(flops=int(counts['flops']), bops=int(counts['bops']))
    if dense_flops:
        out.update(dense_flops=int(dense_flops), dense_bops=int(dense_flops) * 1024,
                   flops_ratio=counts['flops'] / dense_flops,
                   bops_compression=dense_flops * 1024 / counts['bops'])
    return out
