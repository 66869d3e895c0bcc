# A tiny, fast config for the test suite: a narrow ResNet-18 at 32 px on the tiny AID-150px
# splits (_base_/aid150_tiny.py: 120 training, 60 validation, 60 test images). Real data,
# real code paths: the bases' pipelines with the Resize set to 32 px.
_base_ = [
    '../../configs/_base_/models/resnet18_30cls.py',
    './_base_/aid150_tiny.py',
    '../../configs/_base_/schedules/sgd_cosine_20e.py',
    '../../configs/_base_/default_runtime.py',
]
model = dict(backbone=dict(base_channels=16, stem_channels=16), head=dict(in_channels=128))
img_size = 32
train_pipeline = [dict(t, scale=(img_size, img_size)) if t.type == 'Resize' else t
                  for t in _base_.train_pipeline]
test_pipeline = [dict(t, scale=(img_size, img_size)) if t.type == 'Resize' else t
                 for t in _base_.test_pipeline]
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(lr=0.05))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=4, eta_min=0.0)]
train_cfg = dict(max_epochs=4, val_interval=2)
default_hooks = dict(logger=dict(interval=1))
