# HRSID (HRSID_JPG release: JPEGImages/ + annotations/{train,test}2017.json,
# 800x800 chips, one class "ship") at its native 800x800, official train/test
# split; flips in training. Not available offline here: runnable, not measured.
dataset_type = 'HRSID'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/HRSID_JPG'
img_scale = (800, 800)

train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='LoadDetAnnotations'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadDetAnnotations'),
    dict(type='PackDetInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='annotations/train2017.json', data_prefix=dict(img='JPEGImages'),
                 filter_empty_gt=True, pipeline=train_pipeline))
# No validation split in the released data: no validation loop; the last epoch is tested once
# (`tools/train.py CONFIG --test`, or tools/test.py), nothing is selected on test.
val_dataloader = None
val_evaluator = None
test_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='annotations/test2017.json', data_prefix=dict(img='JPEGImages'),
                 test_mode=True, pipeline=test_pipeline))
test_evaluator = dict(type='CocoMetric', ann_file=data_root + '/annotations/test2017.json')
