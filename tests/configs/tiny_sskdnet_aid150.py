# The AID-150px SSKDNet config (ImageNet EfficientNet-Lite0 and every SSKDNet part) on the
# tiny real split: 120 training / 60 test AID-150px images at 64 px, 4 epochs.
_base_ = ['../../configs/sskdnet/sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_10e.py']

model = dict(branch_batch_ratio=0.25)
img_size = 64
train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=24, num_workers=0,
    dataset=dict(split_file='tests/data/splits/aid_tiny_train.txt', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=30, num_workers=0,
    dataset=dict(split_file='tests/data/splits/aid_tiny_test.txt', pipeline=test_pipeline))
test_dataloader = val_dataloader
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=4, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=4, val_interval=4)
default_hooks = dict(logger=dict(interval=1))
