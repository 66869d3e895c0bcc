# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# without the test-time flip: each test image is classified once, as in validation.
# Everything else is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
test_dataloader = dict(dataset=dict(pipeline=_base_.test_pipeline))
custom_hooks = [h for h in _base_.custom_hooks if h.type != 'PrepareTTAHook']
