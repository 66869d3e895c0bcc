# Trento (HSI 63 bands + LiDAR 2 rasters, 166 x 600, 6 classes): 24 x 24 patches around labelled
# pixels (MIViT's largest scale; the model crops 8 / 16 / 24 around the pixel). Files as
# distributed (tyust-dayu/Trento): Italy_hsi.mat / Italy_lidar.mat (key `data`), allgrd.mat
# (key `mask_test`). Training pixels: the standard 819 (129/125/105/154/184/122 per class),
# drawn per class with `split_seed` (the published mask is not in those files); 20 % of them
# are carved out for validation (checkpoint selection); all other labelled pixels are the test set.
# Band-wise min-max fitted on the training pixels only.
dataset_type = 'Trento'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/trento'
modalities = dict(hsi=dict(file='Italy_hsi.mat', key='data'),
                  lidar=dict(file='Italy_lidar.mat', key='data'))
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
