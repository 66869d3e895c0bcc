# SSKDNet with the ImageNet EfficientNet-Lite0 on AID-150px 50% train / 50% test (seed 0);
# compare with configs/baseline/efficientnet-lite0_in1k-pre_aid150-50-50_128px_1xb32_8e.py.
_base_ = ['./sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py']
train_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_train.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_test.txt'))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=8, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=8)
