# The README's first command: a 2-epoch fine-tune of the ImageNet EfficientNet-Lite0
# on AID-150px 20/80, then the final weights tested once on the 8,000 test images (about 3
# minutes on 2 CPU cores; no validation loop: the whole 20 % trains):
#   python tools/train.py THIS_CONFIG --test
_base_ = ['./efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py']
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=2, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=2)
