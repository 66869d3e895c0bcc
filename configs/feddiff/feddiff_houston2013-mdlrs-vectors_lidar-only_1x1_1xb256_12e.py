# LiDAR-only baseline of the same FedDiff-style model (central): both branches read the LiDAR
# vector.
_base_ = ['./feddiff_houston2013-mdlrs-vectors_central_1x1_1xb256_12e.py']
model = dict(in_channels=(21, 21), modality_keys=('lidar', 'lidar'))
train_dataloader = dict(dataset=dict(modalities=('lidar', )))
val_dataloader = dict(dataset=dict(modalities=('lidar', )))
test_dataloader = dict(dataset=dict(modalities=('lidar', )))
