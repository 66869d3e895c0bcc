# Self-supervised pre-training schedule (SwiMDiff and its MoCo v2 baseline): SGD with MoCo
# v2's lr 0.03 (for batch 256) kept at batch 64, momentum 0.9, wd 1e-4; 1-epoch linear
# warm-up + cosine to 0; 20 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, T_max=19, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20)
auto_scale_lr = dict(base_batch_size=64)
