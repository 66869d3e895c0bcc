# FYH (DIAnet's FY-4A AGRI / Himawari-8 cloud-type tiles), the authors' layout:
# <data_root>/mattrain/*.mat + matmasktrain/*.mat (key 'data'), mattest + matmasktest.
# 100x100x14 tiles, 11 classes; random horizontal flip (p = 0.5) is the only
# augmentation; batch 8 per process (the paper: 8 x 4 GPUs). The authors have no
# val set: their "val" is the test split, as here. The data are not public; set
# RSZOO_FYH_ROOT (default ../shared/data/fyh).
dataset_type = 'FYH'
data_root = '{{$RSZOO_FYH_ROOT:../shared/data/fyh}}'

train_pipeline = [
    dict(type='LoadMatImage', key='data', expected_bands=14, reverse_channels=True),
    dict(type='LoadSegAnnotation', mat_key='data'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadMatImage', key='data', expected_bands=14, reverse_channels=True),
    dict(type='LoadSegAnnotation', mat_key='data'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline))
# No validation split (the authors' FYH split is train + test; their "val" is the test set):
# no validation loop; the last epoch is tested once (`tools/train.py CONFIG --test`).
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 pipeline=test_pipeline))
# mIoU over all 11 classes (Clear and Uncertain included, as the authors' code);
# FwIoU is what the authors select their best checkpoint on
test_evaluator = dict(type='IoUMetric', ignore_index=255)
