# The CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py)
# with ImageNet EfficientNet-Lite0 (_base_/models/efficientnet-lite0_30cls.py) instead of
# Lite2: the same data, schedule, batch and ingredients, for the accuracy / CPU-time trade-off
# between the backbones.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
model = dict(
    backbone=dict(
        arch='lite0',
        init_cfg=dict(type='Pretrained', checkpoint='pkgweights://efficientnet-lite0')))
