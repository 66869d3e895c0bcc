# SSDD official release, COCO layout (rszoo.datasets.SSDD: images/{train,test}/,
# annotations/{train,test}.json; about 500x350 chips, one class "ship"), resized
# to fit 512x512 keeping the aspect ratio; flips in training. Not available
# offline here: runnable, not measured (check the layout against your copy).
dataset_type = 'SSDD'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/SSDD/coco_style'
img_scale = (512, 512)

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
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='annotations/train.json',
                 data_prefix=dict(img='images/train'), filter_empty_gt=True,
                 pipeline=train_pipeline))
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
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='annotations/test.json',
                 data_prefix=dict(img='images/test'), test_mode=True, pipeline=test_pipeline))
test_evaluator = dict(type='CocoMetric', ann_file=data_root + '/annotations/test.json')
