# The CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py)
# trained again on the protocol's whole 20 % training share (splits/aid: 2,000 images, the
# 1,600 of `train` and the 400 of `val` of splits/aid_val04), once its choices were made on
# that validation split: nothing is chosen here, so nothing validates; the last epoch is
# tested once on the same 8,000 test images (splits/aid/20-80_seed*_test.txt).
# 24 epochs of 63 iterations (1,512, as the recipe's 30 x 50 = 1,500) keep the CPU budget:
# 1 of warm-up, then the recipe's cosine cut to this length; the EMA's m (per iteration) is
# unchanged. Everything else is the full recipe (the test-time flip included).
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
split = '20-80_seed0'
train_dataloader = dict(dataset=dict(split_file=f'splits/aid/{split}_train.txt'))
test_dataloader = dict(dataset=dict(split_file=f'splits/aid/{split}_test.txt'))
# no validation split is left: no validation loop, no best epoch, the last one is tested
val_dataloader = None
val_evaluator = None
val_cfg = None
default_hooks = dict(checkpoint=dict(interval=4, save_best=None, rule=None))
max_epochs = 24
# the recipe's warm-up, its cosine cut to this length
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs, T_max=max_epochs - _base_.warmup_epochs),
]
train_cfg = dict(max_epochs=max_epochs)
