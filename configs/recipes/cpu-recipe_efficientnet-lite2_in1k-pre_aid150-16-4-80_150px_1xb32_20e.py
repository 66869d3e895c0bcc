# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# 20 epochs (the baseline's length: 1 of warm-up, then cosine) instead of 30. Everything else
# is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
max_epochs = 20
# the recipe's warm-up, its cosine cut to this length
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs, T_max=max_epochs - _base_.warmup_epochs),
]
train_cfg = dict(max_epochs=max_epochs)
