# SSKDNet (Zhao et al., Remote Sensing 14(19):4813, 2022) with mmpretrain's ResNet-18 trained
# from scratch on AID-150px 20% train / 80% test (seed 0). The data, input size (64 px), batch
# (32), augmentation, optimiser, 40-epoch schedule and runtime are those of the baseline it is
# compared with, configs/baseline/resnet18_scratch_aid150-20-80_64px_1xb32_40e.py; only the model
# differs (tests/test_models/test_classifiers/test_sskdnet.py checks it). Choices where the paper is vague:
# configs/sskdnet/README.md.
_base_ = [
    '../_base_/models/sskdnet_resnet18_30cls.py',
    '../_base_/datasets/aid150_bs32_64px.py',
    '../_base_/schedules/sgd_cosine_20e.py',
    '../_base_/default_runtime.py',
]
# a 1-epoch linear warm-up, then cosine over the other 39 epochs
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, T_max=39, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=40)
