"""Helpers of the PIC-PQ tests (a plain module, not a conftest: the root conftest is
imported by name): a narrow mmpretrain ResNet-18 classifier (8 stem /
base channels, 3 classes) at 32 px, built without the init log, and synthetic
mmengine data batches (no files)."""
import torch

TINY_RESNET = dict(
    type='ImageClassifier',
    data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=3,
                           mean=[127.5, 127.5, 127.5], std=[64.0, 64.0, 64.0]),
    backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                  out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=3, in_channels=64,
              loss=dict(type='CrossEntropyLoss')),
)
INPUT_SHAPE = (3, 32, 32)


def build_tiny_resnet(seed=0):
    """The tiny classifier with seeded random weights and BN statistics, eval mode."""
    from rszoo.registry import MODELS
    torch.manual_seed(seed)
    model = MODELS.build(dict(TINY_RESNET))
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
    return model.eval()


def make_batches(num_batches=2, batch_size=4, size=32, seed=0):
    """mmengine data dicts: uint8 images and DataSamples with labels 0..2."""
    from mmpretrain.structures import DataSample
    generator = torch.Generator().manual_seed(seed)
    batches = []
    for b in range(num_batches):
        inputs = [torch.randint(0, 256, (3, size, size), generator=generator, dtype=torch.uint8)
                  for _ in range(batch_size)]
        samples = [DataSample().set_gt_label((b * batch_size + i) % 3)
                   for i in range(batch_size)]
        batches.append(dict(inputs=inputs, data_samples=samples))
    return batches

