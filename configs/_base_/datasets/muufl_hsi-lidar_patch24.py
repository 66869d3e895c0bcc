# MUUFL Gulfport (HSI 64 bands + LiDAR 2 rasters, 325 x 220, 11 classes): 24 x 24 patches.
# Flat re-packs HSI.mat / LiDAR.mat / gt.mat (names and keys vary between re-packs: adjust).
# No standard split: 20 training pixels per class, seeded (an rszoo choice; set num_per_class
# to the paper's protocol once known), 20 % of them carved out for validation.
dataset_type = 'MUUFL'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/muufl'
modalities = dict(hsi=dict(file='HSI.mat', key='HSI'), lidar=dict(file='LiDAR.mat', key='LiDAR'))
common = dict(type=dataset_type, data_root=data_root, modalities=modalities, patch_size=24,
              num_per_class=20, val_ratio=0.2, split_seed=0,
              pipeline=[dict(type='PackMultimodalInputs')])

train_dataloader = dict(batch_size=64, num_workers=0,
                        sampler=dict(type='DefaultSampler', shuffle=True),
                        dataset=dict(**common, split='train'))
val_dataloader = dict(batch_size=256, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      dataset=dict(**common, split='val'))
test_dataloader = dict(batch_size=256, num_workers=0,
                       sampler=dict(type='DefaultSampler', shuffle=False),
                       dataset=dict(**common, split='test'))
val_evaluator = dict(type='LandCoverMetric')
test_evaluator = val_evaluator
