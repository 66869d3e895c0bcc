# Baseline: ImageNet EfficientNet-Lite0 fine-tuned on AID-150px, 50% train / 50% test (seed 0).
_base_ = ['./efficientnet-lite0_in1k-pre_aid150-20-80_128px_20e.py']
train_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_train.txt'))
val_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_test.txt'))
test_dataloader = val_dataloader
