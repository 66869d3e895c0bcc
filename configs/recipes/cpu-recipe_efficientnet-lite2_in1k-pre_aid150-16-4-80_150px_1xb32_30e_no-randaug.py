# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# without RandAugment (the D4 flips/rot90 stay). Everything else is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
train_pipeline = [t for t in _base_.train_pipeline if t.type != 'RandAugment']
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
