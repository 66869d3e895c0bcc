# SGD + cosine annealing, 20 epochs; the AID-150px fine-tuning recipe of
# shared/measurements/aid150-baselines.md (batch 32, lr 0.02).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4))

# cosine over all 20 epochs, updated every iteration, no warm-up
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=20, eta_min=0.0, convert_to_iter_based=True),
]

# validated every epoch where the data base has a validation split: `val_cfg` (with
# `val_dataloader` / `val_evaluator`) lives with the data; a base without one sets all three None
train_cfg = dict(by_epoch=True, max_epochs=20, val_interval=1)
test_cfg = dict()

# the learning rate above is for this total batch; `--auto-scale-lr` rescales it
auto_scale_lr = dict(base_batch_size=32)
