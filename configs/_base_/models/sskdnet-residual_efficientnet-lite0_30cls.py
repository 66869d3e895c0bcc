# SSKDNet, redesigned (configs/sskdnet/README.md, "The redesign"), on the ImageNet
# EfficientNet-Lite0 of efficientnet-lite0_30cls.py with its 30-class head:
# - the test path starts as the baseline: ResidualStageFusion = GAP(last stage) + gated,
#   zero-initialised projections of the earlier stages, into the baseline's 1280-d head, so the
#   step-0 logits are the plain classifier's (tests/test_models/test_necks/
#   test_residual_stage_fusion.py);
# - the branch runs on the whole batch (branch_batch_ratio=1), restores the stride-4 map from
#   the corrupted image's stride-8 map (layer 3, 40 ch, a mid stage) and classifies from the
#   corrupted image's deepest map (layer 8) through its own linear layer;
# - the KD weight ramps from 0 over the first 2 epochs of AID-150px 16/4/80 (100 iterations).
_base_ = ['./efficientnet-lite0_30cls.py']

model = dict(
    type='SSKDNet',
    # layers 2, 3, 5, 8 of Lite0 at 128 px: (24, 32x32), (40, 16x16), (112, 8x8), (1280, 4x4)
    backbone=dict(out_indices=(2, 3, 5, 8)),
    neck=dict(_delete_=True, type='ResidualStageFusion', in_channels=(24, 40, 112, 1280)),
    head=dict(in_channels=1280),
    branch=dict(
        type='FeatureRestorationHead',
        in_channels=40,
        in_index=1,
        cls_in_index=-1,
        cls_in_channels=1280,
        target_channels=24,
        hidden_channels=128,
        decoder_channels=64,
        restore_loss='mse',
        loss_restore_weight=1.0,
        loss_cls=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    mask_shuffle=dict(
        type='BackgroundMaskShuffle', mode='attention', mask_ratio=0.25, grid_size=4,
        fill_value=0.),
    kd_loss=dict(type='KDLoss', temperature=4.0, loss_weight=1.0, detach_teacher=True),
    kd_warmup_iters=100,
    target_index=0,      # restore layer 2 (24 ch, H/4)
    attention_index=-1,  # attention map = channel mean of layer 8 (1280 ch, H/32)
    target_layout='shuffled',
    keep_bn_stats_clean=True,
    branch_batch_ratio=1.0,
)
