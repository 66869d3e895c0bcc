# HRSID mini-set (shared/data/hrsid-mini: 36 SAR chips of 800x800, 69 ship boxes
# derived from masks) with the seeded 24/12 split of splits/hrsid-mini/
# (make_split.py, seed 0): 20 train + 4 val chips (of the 24) and 12 held-out
# test chips. Chips resized to 448x448 (scale 0.56: ships 5..49 px, median 17);
# training on random 256x256 crops of them holding at least one ship (CPU
# budget: a third of the cost of whole chips) with random horizontal/vertical
# flips; val/test on whole 448 px chips.
# The metric reads the ground truth (and COCO areas) from the json.
dataset_type = 'HRSID'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/hrsid-mini'
ann_file = 'boxes_from_masks.json'
split_dir = 'splits/hrsid-mini/'
img_scale = (448, 448)

train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='LoadDetAnnotations'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='DetRandomCrop', crop_size=(256, 256)),
    dict(type='RandomFlip', prob=[0.25, 0.25], direction=['horizontal', 'vertical']),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadDetAnnotations'),
    dict(type='PackDetInputs'),
]
mini_dataset = dict(type=dataset_type, data_root=data_root, ann_file=ann_file,
                    data_prefix=dict(img='images'))
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(mini_dataset, split_file=split_dir + '24-12_seed0_train.txt',
                 filter_empty_gt=True, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(mini_dataset, split_file=split_dir + '24-12_seed0_val.txt', test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(mini_dataset, split_file=split_dir + '24-12_seed0_test.txt', test_mode=True,
                 pipeline=test_pipeline))
val_evaluator = dict(type='CocoMetric', ann_file=data_root + '/' + ann_file)
test_evaluator = val_evaluator
