# AID-150px (shared/data/aid-150px: all 10,000 AID images downscaled to 150 px),
# resized to 128 px (Pillow's antialiased bilinear, as torchvision's Resize), batch 32. Split files come from
# tools/dataset_converters/make_splits.py (seeded, per-class stratified).
# The data root is `$RSZOO_DATA_ROOT/aid-150px` (default ../shared/data), or
# `--cfg-options data_root=...` together with the dataloaders' data_root.
dataset_type = 'AID'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/aid-150px'
split = '20-80_seed0'
img_size = 128

train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomFlip', prob=0.5, direction='vertical'),
    dict(type='RandomRot90', prob=0.5),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=False,  # workers re-seeded identically each epoch: exact resume
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split_file=f'splits/aid/{split}_train.txt',
        preload=True,  # decode once; workers only augment (benchmarks/results.md)
        pipeline=train_pipeline),
)
# No validation loop: this base trains on the protocol's whole training share, so no
# validation split is left to carve; nothing is selected, the last epoch is tested once
# (`tools/test.py CONFIG work_dirs/NAME/epoch_N.pth`). Configs that choose a checkpoint or a
# hyper-parameter use aid150-16-4-80_bs32_128px.py (400 training images held out to validate).
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split_file=f'splits/aid/{split}_test.txt',
        preload=True,
        pipeline=test_pipeline),
)
# Overall accuracy (OA) = top-1 accuracy over all test images.
test_evaluator = [
    dict(type='Accuracy', topk=(1, )),
    dict(type='SingleLabelMetric', average='macro', items=('precision', 'recall', 'f1-score')),
]
