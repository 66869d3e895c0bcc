# AID-150px for self-supervised pre-training (labels unused): MoCo v2's two-view
# augmentation, scaled to 64 px, on tiles that carry a scene id (SwiMDiff's
# scene-wide matching; configs/swimdiff/README.md "What is a scene on AID").
#
# - images: the 2,000 training images of the 20/80 split, seed 0 (the 8,000
#   test images of the linear probe are never seen in pre-training);
#   `split_file=None` in `train_dataloader.dataset.dataset` reads all 10,000.
# - scenes: each AID image is one scene, cut into a 2x2 grid of 100-px tiles at
#   stride 50 (neighbouring tiles overlap by half): 4 samples per scene,
#   8,000 samples per epoch.
# - batches: SceneGroupedSampler keeps a scene's 4 tiles together, so a batch of
#   64 holds 16 whole scenes.
# - views: RandomResizedCrop to 64 px (scale 0.2-1), colour jitter (brightness,
#   contrast, saturation 0.4; p=0.8), grayscale (p=0.2), Gaussian blur with MoCo
#   v2's radius 0.1-2.0 scaled by 64/224 (p=0.5), horizontal and vertical flips
#   and 90-degree rotations (aerial images have no up).
# - hue jitter 0.1 (MoCo v2's): negative hue factors need rszoo's stack fix B9
#   (rszoo/utils/compat.py; mmcv's adjust_hue raises OverflowError under numpy 2.4).
dataset_type = 'AID'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/aid-150px'
split = '20-80_seed0'
img_size = 64
tile_size = 100

model = dict(
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True))

view_pipeline = [
    dict(type='RandomResizedCrop', scale=img_size, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomApply',
         transforms=[dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4,
                          hue=0.1)],
         prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='GaussianBlur', magnitude_range=(0.03, 0.57), magnitude_std='inf', prob=0.5),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomFlip', prob=0.5, direction='vertical'),
    dict(type='RandomRot90', prob=0.5),
]
train_pipeline = [
    dict(type='MultiView', num_views=2, transforms=[view_pipeline]),
    dict(type='PackInputs', algorithm_keys=('scene_id', ),
         meta_keys=('sample_idx', 'img_path', 'tile_index', 'source_index')),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,  # workers re-seeded identically each epoch: exact resume
    drop_last=True,
    sampler=dict(type='SceneGroupedSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='SceneTileDataset',
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            split_file=f'splits/aid/{split}_train.txt',
            preload=True,  # decode once; workers only crop and augment
            pipeline=[dict(type='LoadRSImage')]),
        scene_source='image',
        tile_grid=(2, 2),
        tile_size=tile_size,
        pipeline=train_pipeline),
)
