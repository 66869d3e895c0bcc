# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# without label smoothing (LabelSmoothLoss with 0.0: the soft-target cross-entropy that Mixup/
# CutMix need). Everything else is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
model = dict(head=dict(loss=dict(label_smooth_val=0.0)))
