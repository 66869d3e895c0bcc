# FedDiff-style model on MUUFL (HSI 64 + LiDAR 2), CENTRAL: 7 x 7 patches (the authors'
# Houston2013 patch, resized to 8 x 8 there; rszoo keeps 7 x 7), 200 epochs, Adam 1e-3 wd 1e-3,
# StepLR(30 epochs, 0.5), batch 64 (FedFusion's classifier recipe; FedDiff's stage-2 recipe is not
# released). Federated: tools/federated_train.py with federated.num_rounds=200.
# Checkpoint chosen on the validation carve (20 % of the training pixels), never on test.
# NEEDS the full HSI + LiDAR data (see configs/mivit/README.md for the file names): not run here.
_base_ = [
    './feddiff_model_runtime_base.py',
    '../_base_/datasets/muufl_hsi-lidar_patch24.py',
]
model = dict(in_channels=(64, 2), num_classes=11)
train_dataloader = dict(batch_size=64, dataset=dict(patch_size=7))
val_dataloader = dict(dataset=dict(patch_size=7))
test_dataloader = dict(dataset=dict(patch_size=7))
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3, weight_decay=1e-3))
param_scheduler = [dict(type='StepLR', step_size=30, gamma=0.5, by_epoch=True)]
train_cfg = dict(max_epochs=200)
federated = dict(num_rounds=200, local_epochs=1, server_epochs=1, num_cpus_per_client=1)
