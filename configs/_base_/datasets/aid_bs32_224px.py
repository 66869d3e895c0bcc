# Full-size AID (30 classes, 600 px images) resized to 224 px, batch 32 (test batch 64),
# flips and 90-degree rotations; overall accuracy (OA = top-1) and macro P/R/F1.
# Split files: splits/aid/ (tools/dataset_converters/make_splits.py); the default is
# 20% train / 80% test, seed 0. The data root is `$RSZOO_DATA_ROOT/AID`.
# nwpu_resisc45_bs32_224px.py and ucmerced_bs32_224px.py inherit this file.
dataset_type = 'AID'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/AID'
img_size = 224
train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomFlip', prob=0.5, direction='vertical'),
    dict(type='RandomRot90', prob=0.5),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size)),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split_file='splits/aid/20-80_seed0_train.txt',
        pipeline=train_pipeline),
)
# No validation loop: the whole training share trains and nothing is selected; the last
# epoch is tested once (`tools/test.py`), never validated on the test split.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split_file='splits/aid/20-80_seed0_test.txt',
        pipeline=test_pipeline),
)
test_evaluator = [
    dict(type='Accuracy', topk=(1, )),
    dict(type='SingleLabelMetric', average='macro', items=('precision', 'recall', 'f1-score')),
]
