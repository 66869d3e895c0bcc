# SSKDNet (Zhao et al., Remote Sensing 14(19):4813, 2022) at the paper's scale: full-size AID
# (600 px images, resized to 224), 20% train / 80% test (seed 0), ImageNet ResNet-50 backbone.
# The paper's full text was not readable here: the backbone, input size and schedule below are
# rszoo's choices, each a config field (configs/sskdnet/README.md, "Choices where the paper is
# vague"). The other protocols (AID 50/50, UC Merced 80/20 and 50/50, NWPU-RESISC45 10/90 and
# 20/80) inherit from this file. Needs a GPU; the AID-150px configs here run on CPU.
_base_ = ['../_base_/default_runtime.py']

# ---------------------------------------------------------------- model
num_classes = 30
model = dict(
    type='SSKDNet',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=num_classes,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    # the 4 stages at 224 px: (256, 56x56), (512, 28x28), (1024, 14x14), (2048, 7x7)
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        style='pytorch',
        init_cfg=dict(
            type='Pretrained',
            # a local file (nothing is downloaded at run time): mmpretrain's
            # resnet50_8xb32_in1k_20210831-ea4938fc.pth, placed by the user
            checkpoint='{{$RSZOO_RESNET50_IN1K:checkpoints/resnet50_8xb32_in1k_20210831-ea4938fc.pth}}',
            prefix='backbone')),
    neck=dict(
        type='DynamicFeatureFusion',
        in_channels=(256, 512, 1024, 2048),
        out_channels=512,
        norm_cfg=dict(type='LN'),
        act_cfg=dict(type='ReLU')),
    head=dict(
        type='LinearClsHead',
        num_classes=num_classes,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        topk=(1, )),
    branch=dict(
        type='FeatureRestorationHead',
        in_channels=2048,
        in_index=-1,
        target_channels=256,
        hidden_channels=256,
        num_classes=num_classes,
        restore_loss='mse',
        loss_restore_weight=1.0,
        loss_cls=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    mask_shuffle=dict(
        type='BackgroundMaskShuffle', mode='attention', mask_ratio=0.25, grid_size=4,
        fill_value=0.),
    kd_loss=dict(type='KDLoss', temperature=4.0, loss_weight=1.0, detach_teacher=True),
    target_index=0,      # restore stage 1 (256 ch, H/4)
    attention_index=-1,  # attention map = channel mean of stage 4 (2048 ch, H/32)
    target_layout='shuffled',
    keep_bn_stats_clean=True,
    branch_batch_ratio=1.0,  # the whole batch takes the branch (the method as described)
)

# ---------------------------------------------------------------- data
dataset_type = 'AID'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/AID'
img_size = 224
train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomFlip', prob=0.5, direction='vertical'),
    dict(type='RandomRot90', prob=0.5),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size)),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split_file='splits/aid/20-80_seed0_train.txt',
        pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split_file='splits/aid/20-80_seed0_test.txt',
        pipeline=test_pipeline),
)
val_evaluator = [
    dict(type='Accuracy', topk=(1, )),
    dict(type='SingleLabelMetric', average='macro', items=('precision', 'recall', 'f1-score')),
]
test_dataloader = val_dataloader
test_evaluator = val_evaluator

# ---------------------------------------------------------------- schedule
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=5, T_max=95, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)
