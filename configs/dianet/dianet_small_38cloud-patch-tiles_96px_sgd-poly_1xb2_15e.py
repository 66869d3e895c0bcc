# Smoke-scale run of the segmentation path on CPU: the small DIAnet
# (_base_/dianet_small.py, 0.24M parameters) with 4 bands (red, green, blue, nir)
# and 2 classes (clear, cloud) on 10 train tiles of the one 38-Cloud patch,
# validated on 3 other tiles (test: 3 more). ACW loss (the authors' 38-Cloud
# config uses it). DN / 65535 scaling as Cloud-Net; SGD 0.01 poly (the FYH
# recipe's; the authors' 38-Cloud lr 1e-4 is far too slow for 75 iterations); 15 epochs of
# 5 iterations (batch 2): about 5 min on 2 shared cores (PSNL's 2304 x 2304
# quadrant affinities dominate: 6 GFLOPs per training iteration).
#   python tools/train.py configs/dianet/dianet_small_38cloud-patch-tiles_96px_sgd-poly_1xb2_15e.py
_base_ = [
    './_base_/dianet_small.py',
    './_base_/cloud38_patch_tiles_96px.py',
    './_base_/sgd_poly_100e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    data_preprocessor=dict(mean=[0., 0., 0., 0.], std=[65535., 65535., 65535., 65535.]),
    backbone=dict(in_channels=4),
    decode_head=dict(num_classes=2))
max_epochs = 15
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0.0, by_epoch=True, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=15)
auto_scale_lr = dict(base_batch_size=2)
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
