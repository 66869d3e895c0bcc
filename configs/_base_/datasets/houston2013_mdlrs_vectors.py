# Houston2013 HSI (144) + LiDAR (21 features) pixel vectors of the MDL-RS release
# (shared/data/houston2013-mdlrs-vectors), served as 1 x 1 patches. HSI_TeSet.mat is missing
# there, so train / val / test are a seeded, stratified 60 / 20 / 20 split of the 2,832
# TRAINING rows (splits/houston2013-mdlrs/trainvec_60-20-20_seed{0,1,2}.json, made by
# tools/dataset_converters/make_pixel_splits.py). Band-wise min-max fitted on the train rows.
# The best checkpoint is chosen on `val`; `test` is scored once, by tools/test.py.
dataset_type = 'MDLRSHouston2013Vectors'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/houston2013-mdlrs-vectors'
split_file = 'splits/houston2013-mdlrs/trainvec_60-20-20_seed0.json'
modalities = ('hsi', 'lidar')

pipeline = [dict(type='PackMultimodalInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, modalities=modalities,
                 split_file=split_file, split='train', pipeline=pipeline))
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, modalities=modalities,
                 split_file=split_file, split='val', pipeline=pipeline))
test_dataloader = dict(
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, modalities=modalities,
                 split_file=split_file, split='test', pipeline=pipeline))
# OA, AA, kappa (x100) and per-class accuracy CA/<class>
val_evaluator = dict(type='LandCoverMetric')
test_evaluator = val_evaluator
