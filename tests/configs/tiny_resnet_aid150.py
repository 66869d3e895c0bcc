# A tiny, fast config for the test suite: a narrow ResNet-18 at 32 px on 120 AID-150px
# training images (4 per class) and 60 test images (2 per class). Real data, real code paths.
_base_ = [
    '../../configs/_base_/models/resnet18_aid30.py',
    '../../configs/_base_/datasets/aid150_bs32_128px.py',
    '../../configs/_base_/schedules/sgd_cosine_20e.py',
    '../../configs/_base_/default_runtime.py',
]
model = dict(
    backbone=dict(base_channels=16, stem_channels=16),
    head=dict(in_channels=128))
img_size = 32
train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomRot90', prob=0.5),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    dataset=dict(split_file='tests/data/splits/aid_tiny_train.txt', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=30,
    num_workers=0,
    dataset=dict(split_file='tests/data/splits/aid_tiny_test.txt', pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=0.05))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=4, eta_min=0.0)]
train_cfg = dict(max_epochs=4, val_interval=2)
default_hooks = dict(logger=dict(interval=1))
