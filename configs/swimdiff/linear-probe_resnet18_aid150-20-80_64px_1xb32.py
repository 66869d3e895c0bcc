# Linear probe of a self-supervised ResNet-18 on AID-150px 20/80 (seed 0), 64 px:
# the backbone is loaded from a pre-training checkpoint (only its `backbone.` keys,
# init_cfg prefix) and frozen (all 4 stages + stem, BatchNorm in eval mode); a
# BatchNorm without affine (MAE's probe) + linear layer is trained on the pooled
# 512-d features. Same split, pipeline, batch, warm-up + cosine schedule and 40
# epochs as configs/baseline/resnet18_scratch_aid150-20-80_64px_1xb32_40e.py.
#
# Which checkpoint: `--cfg-options model.backbone.init_cfg.checkpoint=<ckpt>`
# (default: the SwiMDiff run's last epoch); random init:
# `--cfg-options model.backbone.init_cfg=None`.
# Fine-tune instead of probe (the one switch): `model.backbone.frozen_stages=-1`
# (finetune_resnet18_aid150-20-80_64px_1xb32.py): the backbone then trains at
# lr 0.1 x 0.2 = 0.02, the baseline's fine-tuning lr.
# Split, 64 px pipelines, batch, warm-up + cosine schedule and 40 epochs: the baseline's.
_base_ = ['../baseline/resnet18_scratch_aid150-20-80_64px_1xb32_40e.py']
pretrained = 'work_dirs/swimdiff_resnet18_aid150_64px_1xb64_20e/epoch_20.pth'
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

# head lr 0.1; the backbone's lr is 0.2x (0.02) and matters only when it is not frozen
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.2)}))
default_hooks = dict(checkpoint=dict(interval=10))
