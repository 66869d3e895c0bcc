# Houston2013 (DFC2013; HSI 144 bands + LiDAR, 349 x 1905, 15 classes): 24 x 24 patches around
# labelled pixels. Files as MIViT's code names them (Houston.mat key HSI, LiDAR_MP.mat key LiDAR;
# the GRSS GeoTIFFs work too: modalities=dict(hsi=dict(file='2013_IEEE_GRSS_DF_Contest_CASI.tif'),
# ...)), with the contest's TRLabel.mat / TSLabel.mat (2,832 / 12,197 pixels). 20 % of the
# training pixels are carved out for validation (checkpoint selection, never the test pixels).
# Band-wise min-max fitted on the training pixels only.
dataset_type = 'Houston2013'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/houston2013'
modalities = dict(hsi=dict(file='Houston.mat', key='HSI'),
                  lidar=dict(file='LiDAR_MP.mat', key='LiDAR'))
common = dict(type=dataset_type, data_root=data_root, modalities=modalities, patch_size=24,
              val_ratio=0.2, split_seed=0, pipeline=[dict(type='PackMultimodalInputs')])

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
