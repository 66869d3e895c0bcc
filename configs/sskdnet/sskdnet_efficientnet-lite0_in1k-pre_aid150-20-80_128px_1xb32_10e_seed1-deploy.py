# The published SSKDNet checkpoint: sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e.py
# trained with seed 1 on the seed-1 AID-150px 20/80 split (the best of its 3 seeds), exported by
# tools/model_converters/sskdnet_to_deploy.py as the branch-free ImageClassifier of SSKDNet's test
# path (backbone -> DynamicFeatureFusion -> head; the self-supervised branch, mask shuffle and KD
# loss exist only in training). This config evaluates the export on its test split:
#   python tools/test.py THIS_CONFIG weights/<published file>.pth
_base_ = ['./sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e.py']

model = dict(
    _delete_=True,
    type='ImageClassifier',
    data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=30, mean=[127.5, 127.5, 127.5],
                           std=[127.5, 127.5, 127.5], to_rgb=True),
    backbone=dict(type='EfficientNetLite', arch='lite0', out_indices=(2, 3, 5, 8),
                  init_cfg=dict(type='Pretrained', checkpoint='pkgweights://efficientnet-lite0')),
    neck=dict(type='DynamicFeatureFusion', in_channels=(24, 40, 112, 1280), out_channels=512,
              norm_cfg=dict(type='LN'), act_cfg=dict(type='ReLU')),
    head=dict(type='LinearClsHead', num_classes=30, in_channels=512,
              loss=dict(type='CrossEntropyLoss', loss_weight=1.0), topk=(1, )),
)

# seed 1: training seed and split (tools/analysis/multi_seed.py --seeds 1)
randomness = dict(seed=1)
train_dataloader = dict(dataset=dict(split_file='splits/aid/20-80_seed1_train.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/aid/20-80_seed1_test.txt'))
