# Baseline: ResNet-18 from scratch on AID-150px 50/50 (seed 0), 64 px.
# Same sample budget as the 20/80 config: 16 epochs x 5,000 images = 40 epochs x 2,000 = 80k.
_base_ = ['./resnet18_scratch_aid150-20-80_64px_1xb32_40e.py']
train_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_train.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_test.txt'))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, T_max=15, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=16)
