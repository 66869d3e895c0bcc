# MIViT on Houston2013 (HSI 144 + LiDAR), the paper's setting as the authors' code runs it, with
# the checkpoint chosen on a validation split carved from the training pixels (not on test).
# NEEDS the full data (Houston.mat, LiDAR_MP.mat in $RSZOO_DATA_ROOT/houston2013): not run here.
_base_ = [
    '../_base_/models/mivit_8-16-24_adam_500e.py',
    '../_base_/datasets/houston2013_hsi-lidar_patch24.py',
]
# LiDAR_MP.mat's band count is not in the authors' repo; 1 = the DSM (the code copes with 1)
model = dict(in_channels=(144, 1), num_classes=15)
