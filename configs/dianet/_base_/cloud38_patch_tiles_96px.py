# The one 38-Cloud patch in shared/data/38cloud-patch (384x384, Landsat-8 red,
# green, blue, nir, uint16 DN; gt 255 = cloud) cut into 16 tiles of 96 px, split
# by a seeded permutation of the tiles into 10 train / 3 val / 3 test tiles
# (disjoint). A pipeline check on neighbouring tiles of one patch: not an accuracy
# protocol. For the full 38-Cloud, drop band_dirs='flat' and the tiling and set
# data_root to the folder with train_red/, train_green/, ... (Cloud38).
dataset_type = 'Cloud38'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/38cloud-patch'
tile_size = 96
split_seed = 0

train_pipeline = [
    dict(type='LoadBandFiles', expected_bands=4),
    dict(type='LoadSegAnnotation', label_map={255: 1}),
    dict(type='CropTile'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadBandFiles', expected_bands=4),
    dict(type='LoadSegAnnotation', label_map={255: 1}),
    dict(type='CropTile'),
    dict(type='PackSegInputs'),
]
tile_dataset = dict(type=dataset_type, data_root=data_root, band_dirs='flat', tile_size=tile_size,
              split_ratios=(0.625, 0.1875, 0.1875), split_seed=split_seed)
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(tile_dataset, tile_split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=3,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(tile_dataset, tile_split='val', pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=3,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(tile_dataset, tile_split='test', pipeline=test_pipeline))
val_evaluator = dict(type='IoUMetric', ignore_index=255)
val_cfg = dict()  # lives with the data: FYH has no validation split
test_evaluator = val_evaluator
