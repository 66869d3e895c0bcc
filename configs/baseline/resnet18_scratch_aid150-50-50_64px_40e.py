# Baseline: ResNet-18 from scratch on AID-150px 50/50 (seed 0), 64 px, 40 epochs.
_base_ = ['./resnet18_scratch_aid150-20-80_64px_40e.py']
train_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_train.txt'))
val_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_test.txt'))
test_dataloader = val_dataloader
