# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# one learning rate for the whole model (no paramwise_cfg: the head at the backbone's 0.02
# instead of 10x). Everything else is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
optim_wrapper = dict(paramwise_cfg=None)
