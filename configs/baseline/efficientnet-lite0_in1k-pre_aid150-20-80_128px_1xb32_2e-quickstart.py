# The README's first command: a 2-epoch fine-tune of the ImageNet EfficientNet-Lite0
# on AID-150px 20/80, evaluated on the 8,000 test images (about 3 minutes on 2 CPU cores).
_base_ = ['./efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py']
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=2, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=2, val_interval=2)
