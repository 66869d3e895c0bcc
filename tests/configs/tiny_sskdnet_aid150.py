# The AID-150px SSKDNet model (ImageNet EfficientNet-Lite0 and every SSKDNet part) on the
# tiny AID-150px splits at 64 px (_base_/aid150_tiny.py: 120 training, 60 validation, 60 test
# images), 4 epochs.
_base_ = [
    '../../configs/_base_/models/sskdnet_efficientnet-lite0_30cls.py',
    './_base_/aid150_tiny.py',
    '../../configs/_base_/schedules/sgd_cosine_20e.py',
    '../../configs/_base_/default_runtime.py',
]
model = dict(branch_batch_ratio=0.25)
train_dataloader = dict(batch_size=24)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=4, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=4, val_interval=4)
default_hooks = dict(logger=dict(interval=1))
