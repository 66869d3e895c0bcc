# A tiny SwiMDiff pre-training for the test suite: a narrow ResNet-18 (16 base
# channels) at 32 px on the 120 AID-150px images of tests/data/splits/aid_tiny_train.txt,
# 2x2 tiles of 100 px (480 samples, 120 scenes), batch 32 (8 scenes x 4 tiles),
# queue 64, a 2-level denoiser, 2 epochs. Real data, the real Runner and sampler; the
# base's two-view augmentation with 32 px crops.
_base_ = ['../../configs/swimdiff/swimdiff_resnet18_aid150_64px_1xb64_20e.py']
img_size = 32
view_pipeline = [dict(t, scale=img_size) if t.type == 'RandomResizedCrop' else t
                 for t in _base_.view_pipeline]
train_pipeline = [dict(t, transforms=[view_pipeline]) if t.type == 'MultiView' else t
                  for t in _base_.train_pipeline]
model = dict(
    queue_len=64,
    momentum=0.1,
    backbone=dict(base_channels=16, stem_channels=16),
    neck=dict(in_channels=128, hid_channels=64, out_channels=32),
    feat_dim=32,
    diffusion_head=dict(cond_channels=128, base_channels=8, channel_mults=(1, 2)))
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    dataset=dict(
        dataset=dict(split_file='tests/data/splits/aid_tiny_train.txt', preload=False),
        pipeline=train_pipeline))
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=2, eta_min=0.0)]
train_cfg = dict(max_epochs=2)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=2))
