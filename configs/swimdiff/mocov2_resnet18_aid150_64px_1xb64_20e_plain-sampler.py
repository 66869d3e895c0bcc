# The MoCo v2 baseline with a plain shuffled sampler: batches of 64 random tiles instead of
# 16 whole scenes, so same-scene tiles are spread over batches and queue updates (MoCo v2 as
# its authors sample). Everything else is mocov2_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./mocov2_resnet18_aid150_64px_1xb64_20e.py']
train_dataloader = dict(sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
