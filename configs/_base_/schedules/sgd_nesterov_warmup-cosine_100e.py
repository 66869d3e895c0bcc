# The 224 px SSKDNet schedule (rszoo's choice, configs/sskdnet/README.md): SGD lr 0.01 for
# batch 32, Nesterov momentum 0.9, wd 5e-4; 5-epoch linear warm-up, then cosine to 0;
# 100 epochs, an evaluation every 5 where the data base has a validation split (`val_cfg`
# lives with the data: the paper-scale bases have none, their last epoch is tested once).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=5, T_max=95, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=5)
test_cfg = dict()
# the learning rate above is for this total batch; `--auto-scale-lr` rescales it
auto_scale_lr = dict(base_batch_size=32)
