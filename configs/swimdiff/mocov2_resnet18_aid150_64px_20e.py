# Baseline for SwiMDiff: mmpretrain's own MoCo v2 (type='MoCo' with the MoCo v2
# neck and ContrastiveHead), same data (AID-150px 20/80 train images, 2x2 tiles,
# 64 px views, scene-grouped batches of 64; the scene ids are packed but unused),
# same ResNet-18, optimiser, schedule and epochs as
# swimdiff_resnet18_aid150_64px_20e.py.
_base_ = [
    '../_base_/datasets/aid150_selfsup_mocov2.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='MoCo',
    queue_len=4096,
    feat_dim=128,
    momentum=0.01,
    backbone=dict(type='ResNet', depth=18, out_indices=(3, ), norm_cfg=dict(type='BN'),
                  zero_init_residual=False),
    neck=dict(type='MoCoV2Neck', in_channels=512, hid_channels=512, out_channels=128,
              with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2),
)

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, T_max=19, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20)
auto_scale_lr = dict(base_batch_size=64)
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=1))
