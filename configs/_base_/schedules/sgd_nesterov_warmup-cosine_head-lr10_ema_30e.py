# The schedule of rszoo's CPU fine-tuning recipe (configs/recipes/README.md): the AID-150px
# fine-tuning SGD of sgd_cosine_20e.py (lr 0.02 for batch 32, momentum 0.9, wd 1e-4) with
# - Nesterov momentum;
# - the head (the new 30-class layer) at 10x the backbone's learning rate (paramwise_cfg);
# - a 1-epoch linear warm-up from 0.1x, then cosine to 0, 30 epochs in all (the 20e baseline
#   plus half), validated every epoch;
# - an exponential moving average of the weights (EMAHook, ema = (1 - m) ema + m w after every
#   iteration, m = 0.004: a ~250-iteration window, 5 epochs of the 16 % AID split), which
#   validation and the test use; checkpoints hold the averaged weights in `state_dict`.
#   DeferredLoadEMAHook is mmpretrain's EMAHook that also accepts rszoo's tools/test.py, which
#   loads the checkpoint before the run (rszoo/engine/hooks/ema_hook.py).
# Each of these is one key below, so a config can switch it off (configs/recipes: ablations).
# A config keeps the best validation epoch for the one test at the end by setting, itself
# (default_hooks belongs to the sibling base default_runtime.py),
#   checkpoint=dict(interval=..., save_best='accuracy/top1', rule='greater', max_keep_ckpts=1)

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4, nesterov=True),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)}))

max_epochs = 30
warmup_epochs = 1
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=warmup_epochs, end=max_epochs,
         T_max=max_epochs - warmup_epochs, eta_min=0.0, convert_to_iter_based=True),
]
# `val_cfg` lives with the data base (aid150-16-4-80_*: its validation split)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
test_cfg = dict()

ema_hook = dict(type='DeferredLoadEMAHook', momentum=0.004, priority='ABOVE_NORMAL')
custom_hooks = [ema_hook]

# the learning rate above is for this total batch; `--auto-scale-lr` rescales it
auto_scale_lr = dict(base_batch_size=32)
