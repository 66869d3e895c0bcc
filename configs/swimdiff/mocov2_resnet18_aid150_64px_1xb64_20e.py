# Baseline for SwiMDiff: mmpretrain's own MoCo v2 (type='MoCo' with the MoCo v2
# neck and ContrastiveHead), same data (AID-150px 20/80 train images, 2x2 tiles,
# 64 px views, scene-grouped batches of 64; the scene ids are packed but unused),
# same ResNet-18, optimiser, schedule and epochs as
# swimdiff_resnet18_aid150_64px_1xb64_20e.py.
_base_ = [
    '../_base_/datasets/aid150_selfsup_mocov2.py',
    '../_base_/schedules/sgd_lr0.03_cosine_selfsup_20e.py',
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

# optimiser, schedule, epochs: ../_base_/schedules/sgd_lr0.03_cosine_selfsup_20e.py
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=1))
