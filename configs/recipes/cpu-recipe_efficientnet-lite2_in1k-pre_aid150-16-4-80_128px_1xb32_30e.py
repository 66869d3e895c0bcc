# Ablation of the CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py):
# images resized to 128 px (Pillow's antialiased bilinear, as the 128 px baselines) instead of
# the native 150 px, in training, validation and test. Everything else is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
img_size = 128
resize = dict(type='Resize', scale=(img_size, img_size), backend='pillow',
              interpolation='bilinear')
train_pipeline = [_base_.train_pipeline[0], resize, *_base_.train_pipeline[1:]]
test_pipeline = [_base_.test_pipeline[0], resize, *_base_.test_pipeline[1:]]
tta_pipeline = [_base_.tta_pipeline[0], resize, *_base_.tta_pipeline[1:]]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=tta_pipeline))
