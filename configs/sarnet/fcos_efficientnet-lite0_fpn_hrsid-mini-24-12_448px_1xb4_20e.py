# Smoke-scale baseline on CPU: the plain FCOS host (EfficientNet-Lite0 ImageNet
# + FPN P3-P5 + FCOS head) on the HRSID mini-set's 20 train chips (val: 4,
# test: the 12 held-out chips), 448 px, the same budget as
# sarnet_efficientnet-lite0_fpn_hrsid-mini-24-12_448px_1xb4_20e.py:
#   python tools/train.py configs/sarnet/fcos_efficientnet-lite0_fpn_hrsid-mini-24-12_448px_1xb4_20e.py
_base_ = [
    './_base_/fcos_efficientnet-lite0_fpn_small.py',
    './_base_/hrsid-mini_24-12_448px.py',
    '../_base_/default_runtime.py',
]
# SGD 0.01 with gradient clipping; 20 iterations of linear warm-up, then cosine
# decay to 0 over 20 epochs (5 iterations of batch 4 per epoch: 100 iterations).
max_epochs = 20
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=20),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=4)
default_hooks = dict(logger=dict(interval=5),
                     checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
