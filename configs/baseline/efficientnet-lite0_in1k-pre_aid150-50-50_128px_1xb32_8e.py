# Baseline: ImageNet EfficientNet-Lite0 fine-tuned on AID-150px, 50% train / 50% test (seed 0).
# Same sample budget as the 20/80 config: 8 epochs x 5,000 images = 20 epochs x 2,000 = 40k.
_base_ = ['./efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py']
train_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_train.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_test.txt'))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=8, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=8)
