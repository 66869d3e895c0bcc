# The lean CPU recipe: the full recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py)
# without the three ingredients that did not help in its seed-0 ablations (README, Ablations):
# no Mixup/CutMix (hard labels, still smoothed), no EMA of the weights (validated, kept and
# tested on the trained weights), one learning rate for the whole model (no head lr x10).
# RandAugment, label smoothing, the native 150 px, the 30-epoch schedule and the test-time flip
# stay. Chosen against the full recipe on the validation split (best validation OA).
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
model = dict(train_cfg=None)
custom_hooks = [h for h in _base_.custom_hooks if h.type != 'DeferredLoadEMAHook']
optim_wrapper = dict(paramwise_cfg=None)
