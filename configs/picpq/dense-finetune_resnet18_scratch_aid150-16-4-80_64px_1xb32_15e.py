# The control of the PIC-PQ runs: the dense model fine-tuned with the same 15-epoch schedule,
# neither pruned nor quantized. The dense ResNet-18 of
# configs/baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py is trained for 20 epochs
# from scratch and still improving, so 15 more epochs raise its OA by themselves; the OA lost
# to compression is read against this run, not only against the 20-epoch model.
# `load_from` is the dense run's best validation checkpoint (set per seed on the command line,
# see configs/picpq/README.md).
_base_ = ['../baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py']

load_from = None  # the dense checkpoint: --cfg-options load_from=...
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='CosineRestartLR', periods=[5, 5, 5], restart_weights=[1, 1, 1], eta_min=0.0,
         by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=15, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5, save_best=None, max_keep_ckpts=1))
