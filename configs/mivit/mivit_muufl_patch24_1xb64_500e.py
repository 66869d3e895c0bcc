# MIViT on MUUFL (HSI 64 + LiDAR 2, 11 classes), the authors' recipe; MUUFL is not wired in the
# authors' code and its split is not recorded there (rszoo: 20 pixels per class). NEEDS the data.
_base_ = [
    '../_base_/models/mivit_8-16-24_adam_500e.py',
    '../_base_/datasets/muufl_hsi-lidar_patch24.py',
]
model = dict(in_channels=(64, 2), num_classes=11)
