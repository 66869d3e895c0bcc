# Linear probe of a self-supervised ResNet-18 on AID-150px 16/4/80 (the validation split
# carved from the 20 % training share, splits/aid_val04; test files identical to
# splits/aid's), 64 px: the probe of linear-probe_resnet18_aid150-20-80_64px_1xb32.py (frozen
# backbone from a checkpoint's `backbone.` keys, BatchNorm without affine + linear head,
# lr 0.1, 40 epochs) on the validation protocol: validated every epoch on `val`, the best
# validation epoch kept and tested once. The pre-training runs see the 2,000 images of the
# 20 % share without labels; the probe trains on 1,600 of them and validates on the other 400.
# Which checkpoint: `--cfg-options model.backbone.init_cfg.checkpoint=<ckpt>`; per seed with
# tools/analysis/multi_seed.py --name (configs/swimdiff/README.md).
_base_ = ['../baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py']
pretrained = 'work_dirs/multi_seed/swimdiff_resnet18_aid150_64px_1xb64_20e/seed0/epoch_20.pth'
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
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.2)}))
max_epochs = 40
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
