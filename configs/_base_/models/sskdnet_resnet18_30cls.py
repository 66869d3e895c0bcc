# SSKDNet (Zhao et al., Remote Sensing 14(19):4813, 2022) on the model of resnet18_30cls.py
# (mmpretrain's ResNet-18 from random init, ImageNet mean/std, 30-class linear head): the
# ResNet's 4 stages fused for the head, plus the training-only self-supervised branch. A
# config for another data set sets its class count in `data_preprocessor` and `head`; the
# branch takes the head's (SSKDNet fills `branch.num_classes`). The other backbones
# (sskdnet_resnet50_30cls.py, sskdnet_efficientnet-lite0_30cls.py) inherit this file.
_base_ = ['./resnet18_30cls.py']

model = dict(
    type='SSKDNet',
    # the 4 stages at 64 px: (64, 16x16), (128, 8x8), (256, 4x4), (512, 2x2)
    backbone=dict(out_indices=(0, 1, 2, 3)),
    # test-time path: dynamic fusion of the 4 stages -> 512-d -> linear head
    neck=dict(
        _delete_=True,
        type='DynamicFeatureFusion',
        in_channels=(64, 128, 256, 512),
        out_channels=512,
        norm_cfg=dict(type='LN'),
        act_cfg=dict(type='ReLU')),
    head=dict(in_channels=512),
    # training-only: the self-supervised branch (teacher), on the masked + shuffled images
    branch=dict(
        type='FeatureRestorationHead',
        in_channels=512,
        in_index=-1,
        target_channels=64,
        hidden_channels=256,
        restore_loss='mse',
        loss_restore_weight=1.0,
        loss_cls=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    mask_shuffle=dict(
        type='BackgroundMaskShuffle', mode='attention', mask_ratio=0.25, grid_size=4,
        fill_value=0.),
    kd_loss=dict(type='KDLoss', temperature=4.0, loss_weight=1.0, detach_teacher=True),
    target_index=0,      # restore stage 1 (64 ch, H/4): the low-level stage
    attention_index=-1,  # attention map = channel mean of stage 4 (512 ch, H/32)
    target_layout='shuffled',
    keep_bn_stats_clean=True,
    branch_batch_ratio=0.125,  # 4 of 32 images per step take the branch: <= 35% extra training time on CPU (benchmarks/results.md)
)
