# SwiMDiff (arXiv 2401.05093): MoCo v2 + scene-wide matching + a conditional
# diffusion constraint, ResNet-18 from random init, pre-trained on AID-150px
# (the 2,000 images of the 20/80 train split, labels unused) cut into 2x2 tiles
# of 100 px (one scene per image), 64 px views, batch 64 (16 scenes x 4 tiles),
# 20 epochs (2,500 iterations). Same data, backbone, optimiser and schedule as
# mocov2_resnet18_aid150_64px_1xb64_20e.py; only the model differs.
# Switches: model.scene_matching = 'mask' | 'positive' | 'none';
# model.lambda_d = 0 turns the diffusion constraint off;
# model.batch_negatives = False with 'none' is MoCo v2's loss exactly;
# model.diffusion_target = 'query' | 'clean'; model.diffusion_head.condition = 'pooled' | 'map'.
# Each ablation is a committed config next to this one (configs/swimdiff/README.md).
_base_ = [
    '../_base_/datasets/aid150_selfsup_mocov2.py',
    '../_base_/schedules/sgd_lr0.03_cosine_selfsup_20e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='SwiMDiff',
    queue_len=4096,
    feat_dim=128,
    momentum=0.01,  # EMA rate 1 - m, m = 0.99: 2,500 iterations is a short run
    scene_matching='mask',
    batch_negatives=True,
    lambda_c=1.0,
    lambda_d=1.0,
    diffusion_target='query',  # 'clean': denoise the un-jittered tile (..._clean-target.py)
    # log the denoiser's MSE with its condition zeroed next to the real one (no gradient; one
    # extra denoiser forward, ~0.14 of the step's ~1.6 GFLOPs per image): does it use c?
    log_zeroed_condition=True,
    backbone=dict(type='ResNet', depth=18, out_indices=(3, ), norm_cfg=dict(type='BN'),
                  zero_init_residual=False),
    neck=dict(type='MoCoV2Neck', in_channels=512, hid_channels=512, out_channels=128,
              with_avg_pool=True),
    head=dict(type='MultiPositiveContrastiveHead', temperature=0.2),
    diffusion_head=dict(
        type='ConditionalDenoiserHead',
        cond_channels=512,
        base_channels=8,
        channel_mults=(1, 2, 4, 8),  # 8/16/32/64 channels at 64/32/16/8 px: 0.14 GFLOPs
        # per image forward, under half of the ResNet-18's 0.30 at 64 px
        emb_dim=128,
        condition='pooled',
        schedule=dict(type='DDPMSchedule', num_timesteps=1000, beta_start=1e-4,
                      beta_end=0.02, beta_schedule='linear')),
)

# optimiser, schedule, epochs: ../_base_/schedules/sgd_lr0.03_cosine_selfsup_20e.py
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=1))
