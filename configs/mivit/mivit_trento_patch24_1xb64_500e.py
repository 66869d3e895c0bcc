# MIViT on Trento (HSI 63 + LiDAR 2 rasters, 6 classes), the authors' recipe; the standard 819
# training pixels drawn per class, 20 % of them for validation (checkpoint selection).
# NEEDS Italy_hsi.mat (not in shared/data): not run here.
_base_ = [
    '../_base_/models/mivit_8-16-24_adam_500e.py',
    '../_base_/datasets/trento_hsi-lidar_patch24.py',
]
model = dict(in_channels=(63, 2), num_classes=6)
