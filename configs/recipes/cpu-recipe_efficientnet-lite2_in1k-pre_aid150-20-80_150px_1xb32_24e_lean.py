# The refit of the lean CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e_lean.py):
# the refit (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e.py:
# the whole 20 % share, 24 epochs = the recipe's 1,500 iterations, nothing validates, the last
# epoch tested) without the same three ingredients: no Mixup/CutMix, no EMA of the weights,
# one learning rate for the whole model.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e.py']
model = dict(train_cfg=None)
custom_hooks = [h for h in _base_.custom_hooks if h.type != 'DeferredLoadEMAHook']
optim_wrapper = dict(paramwise_cfg=None)
