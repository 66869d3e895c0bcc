# SwiMDiff ablation: the diffusion term denoises the tile without photometric augmentation
# (a third view: the 100-px tile resized to 64 px, no crop, no colour jitter, grey-scale,
# blur, flips or rotations) instead of the colour-jittered query view, still conditioned on
# the query's backbone map. The contrastive views are unchanged. Everything else is
# swimdiff_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./swimdiff_resnet18_aid150_64px_1xb64_20e.py']
model = dict(diffusion_target='clean')
clean_view = [dict(type='Resize', scale=(64, 64), backend='pillow', interpolation='bilinear')]
train_pipeline = [
    dict(type='MultiView', num_views=[2, 1], transforms=[_base_.view_pipeline, clean_view]),
    _base_.train_pipeline[1],
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
