# MDFL-like model on Trento (HSI 63 + LiDAR 2): 7 x 7 patches (FedDiff's patch size, the
# same authors' closest public code; MDFL's own is unknown), 200 epochs (FedFusion's classifier
# stage length), Adam 1e-3 wd 1e-3, StepLR(30 epochs, 0.5), batch 64. rszoo's choices: MDFL's code
# is unpublished (configs/mdfl/README.md). Checkpoint chosen on the validation carve (20 % of the
# training pixels), never on test.
# NEEDS the full HSI + LiDAR data (see configs/mivit/README.md for the file names): not run here.
_base_ = [
    './mdfl_model_runtime_base.py',
    '../_base_/datasets/trento_hsi-lidar_patch24.py',
]
model = dict(in_channels=(63, 2), num_classes=6, encoder=dict(frequency_domain='spectral'))
train_dataloader = dict(batch_size=64, dataset=dict(patch_size=7))
val_dataloader = dict(dataset=dict(patch_size=7))
test_dataloader = dict(dataset=dict(patch_size=7))
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3, weight_decay=1e-3))
param_scheduler = [dict(type='StepLR', step_size=30, gamma=0.5, by_epoch=True)]
train_cfg = dict(max_epochs=200)
