# SGD + cosine annealing over 10 epochs (the AID-150px fine-tuning recipe of sgd_cosine_20e.py
# at half the budget), validated every epoch. For configs whose val_dataloader reads a
# validation split carved from the training data; such a config keeps the best validation
# epoch for the one test at the end by setting, itself (default_hooks belongs to the sibling
# base default_runtime.py),
#   checkpoint=dict(interval=10, save_best='accuracy/top1', rule='greater', max_keep_ckpts=1)
_base_ = ['./sgd_cosine_20e.py']

param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=10, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=10, val_interval=1)
