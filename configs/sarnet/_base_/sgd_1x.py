# mmdetection's FCOS "1x" schedule: SGD lr 0.01 (total batch 16), momentum 0.9,
# weight decay 1e-4, no decay on biases' lr doubling (kept simple), gradient
# clipping at norm 35; linear warm-up over 500 iterations from lr/3; lr x0.1 at
# epochs 8 and 11; 12 epochs.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
max_epochs = 12
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0 / 3, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs, milestones=[8, 11],
         gamma=0.1),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
val_cfg = None  # the paper-scale data bases (HRSID, SSDD) have no validation split
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=16)
