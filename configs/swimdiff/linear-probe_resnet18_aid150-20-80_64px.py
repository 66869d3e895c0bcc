# Linear probe of a self-supervised ResNet-18 on AID-150px 20/80 (seed 0), 64 px:
# the backbone is loaded from a pre-training checkpoint (only its `backbone.` keys,
# init_cfg prefix) and frozen (all 4 stages + stem, BatchNorm in eval mode); a
# BatchNorm without affine (MAE's probe) + linear layer is trained on the pooled
# 512-d features. Same split, pipeline, batch, warm-up + cosine schedule and 40
# epochs as configs/baseline/resnet18_scratch_aid150-20-80_64px_40e.py.
#
# Which checkpoint: `--cfg-options model.backbone.init_cfg.checkpoint=<ckpt>`
# (default: the SwiMDiff run's last epoch); random init:
# `--cfg-options model.backbone.init_cfg=None`.
# Fine-tune instead of probe (the one switch): `model.backbone.frozen_stages=-1`
# (finetune_resnet18_aid150-20-80_64px.py): the backbone then trains at
# lr 0.1 x 0.2 = 0.02, the baseline's fine-tuning lr.
_base_ = [
    '../_base_/models/resnet18_aid30.py',
    '../_base_/datasets/aid150_bs32_128px.py',
    '../_base_/schedules/sgd_cosine_20e.py',
    '../_base_/default_runtime.py',
]
pretrained = 'work_dirs/swimdiff_resnet18_aid150_64px_20e/epoch_20.pth'
model = dict(
    backbone=dict(
        frozen_stages=4,
        norm_cfg=dict(type='BN'),
        init_cfg=dict(type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    neck=[
        dict(type='GlobalAveragePooling'),
        dict(type='ClsBatchNormNeck', input_features=512, affine=False),
    ],
)

img_size = 64
train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomFlip', prob=0.5, direction='vertical'),
    dict(type='RandomRot90', prob=0.5),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# head lr 0.1; the backbone's lr is 0.2x (0.02) and matters only when it is not frozen
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.2)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, T_max=39, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=40, val_interval=10)
default_hooks = dict(checkpoint=dict(interval=10))
