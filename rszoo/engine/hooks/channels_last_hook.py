"""Put the model's 4-D weights in channels_last (NHWC) memory format.

On this kind of CPU, oneDNN convolutions run about twice as fast in
channels_last (EfficientNet-Lite0 inference @128 px, batch 32: 245 img/s NCHW
vs 445 img/s NHWC; ``shared/measurements/stack-notes.md``). A convolution
whose weight is channels_last returns channels_last activations, so converting
the model once is enough; the data preprocessor's NCHW batch is converted by
the first convolution. The hook runs in ``before_run``, which mmengine calls
before it initialises weights and loads or resumes a checkpoint; those copy
values into the existing parameters (``Tensor.copy_`` keeps their strides), so
the model stays channels_last, for training, validation and testing alike.
Tensors of other ranks (linear layers, norms, ViT tokens) are untouched.

Under DDP the model is wrapped before any hook runs, so DDP's gradient buckets
keep the NCHW layout and the reducer copies each channels_last gradient into
its bucket (one extra copy per weight per step, small next to the convolution
savings); torch's warning about those strides is silenced for that reason.
"""
import warnings

import torch
from mmengine.hooks import Hook

from rszoo.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Convert ``runner.model`` to ``torch.channels_last`` before the run.

    Args:
        enable (bool): turn the conversion off without removing the hook.
    """

    priority = 'VERY_HIGH'

    def __init__(self, enable: bool = True):
        self.enable = enable

    def before_run(self, runner) -> None:
        if not self.enable:
            return
        runner.model.to(memory_format=torch.channels_last)
        if runner.distributed:
            warnings.filterwarnings(
                'ignore', message='Grad strides do not match bucket view strides')
