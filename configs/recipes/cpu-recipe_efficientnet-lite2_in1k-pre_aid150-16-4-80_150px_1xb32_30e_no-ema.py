# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# without the EMA of the weights: validated, kept and tested on the trained weights.
# Everything else is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
custom_hooks = [h for h in _base_.custom_hooks if h.type != 'DeferredLoadEMAHook']
