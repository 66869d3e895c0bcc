# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# without Mixup/CutMix (no batch augments: hard labels, still smoothed). Everything else is the
# full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
model = dict(train_cfg=None)
