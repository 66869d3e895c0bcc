# AID-150px 20/80 with the validation split carved from the training share (16 % train / 4 % val
# / 80 % test, splits/aid_val04; the loaders, batch 32 and preloading of
# aid150-16-4-80_bs32_128px.py) at the images' native 150 px (no resizing), with the
# augmentation of rszoo's CPU recipe (configs/recipes/README.md):
# - train: the D4 flips/rot90 of the 128 px bases, then RandAugment (mmpretrain's, timm's
#   "increasing" policies: 2 ops, magnitude 7 +- 0.5 of 10; pads with the BGR ImageNet mean);
# - val and test: the image as it is (`test_pipeline`);
# - `tta_pipeline` + `tta_model`: the test-time flip of mmpretrain's TTA (the mean of the
#   scores of the image and of its horizontal mirror), which a config switches on with
#   mmengine's PrepareTTAHook (configs/recipes).
# The checkpoint is chosen on `val`; `test` is read once, at the end (tools/test.py).
_base_ = ['./aid150-16-4-80_bs32_128px.py']

img_size = 150  # native: nothing resizes
randaugment = dict(
    type='RandAugment',
    policies='timm_increasing',
    num_policies=2,
    total_level=10,
    magnitude_level=7,
    magnitude_std=0.5,
    hparams=dict(pad_val=[104, 116, 124], interpolation='bicubic'))
train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomFlip', prob=0.5, direction='vertical'),
    dict(type='RandomRot90', prob=0.5),
    randaugment,
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='PackInputs'),
]
tta_model = dict(type='AverageClsScoreTTA')
tta_pipeline = [
    dict(type='LoadRSImage'),
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='RandomFlip', prob=0.0),
             dict(type='RandomFlip', prob=1.0, direction='horizontal')],
            [dict(type='PackInputs')],
        ]),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
