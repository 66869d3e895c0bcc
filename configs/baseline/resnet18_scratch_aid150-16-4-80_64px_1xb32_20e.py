# Baseline of the efficiency methods (configs/rsdgc, configs/tdds, configs/picpq): mmpretrain's
# ResNet-18 trained from scratch on AID-150px 16 % train / 4 % val / 80 % test (the validation
# split carved from the 20 % training share, splits/aid_val04), 64 px, batch 32, SGD lr 0.02
# cosine (1-epoch warm-up), 20 epochs. Validated every epoch on `val`; the best validation epoch
# is kept and tested once (tools/test.py).
_base_ = [
    '../_base_/models/resnet18_30cls.py',
    '../_base_/datasets/aid150-16-4-80_bs32_64px.py',
    '../_base_/schedules/sgd_cosine_20e.py',
    '../_base_/default_runtime.py',
]
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, T_max=19, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=20, val_interval=1)
default_hooks = dict(checkpoint=dict(interval=20, save_best='accuracy/top1', rule='greater',
                                     max_keep_ckpts=1))
