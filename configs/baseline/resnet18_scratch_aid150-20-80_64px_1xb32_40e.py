# Baseline: mmpretrain's ResNet-18 trained from scratch on AID-150px 20/80 (seed 0),
# images resized to 64 px, batch 32, SGD lr 0.02 cosine (1-epoch warm-up), 40 epochs.
_base_ = [
    '../_base_/models/resnet18_30cls.py',
    '../_base_/datasets/aid150_bs32_64px.py',
    '../_base_/schedules/sgd_cosine_20e.py',
    '../_base_/default_runtime.py',
]
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, T_max=39, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=40)
