# LiDAR-only baseline of the same model: both MIViT streams read the 21 LiDAR features.
_base_ = ['./mivit_houston2013-mdlrs-vectors_fusion_1x1_1xb256_12e.py']
model = dict(in_channels=(21, 21), modality_keys=('lidar', 'lidar'))
train_dataloader = dict(dataset=dict(modalities=('lidar', )))
val_dataloader = dict(dataset=dict(modalities=('lidar', )))
test_dataloader = dict(dataset=dict(modalities=('lidar', )))
