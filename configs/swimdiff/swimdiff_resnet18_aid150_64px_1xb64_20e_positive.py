# SwiMDiff ablation: scene matching in 'positive' mode (same-scene candidates, in the batch
# and in the queue, become extra positives of the query) instead of 'mask' (removed from
# the negatives). Everything else is swimdiff_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./swimdiff_resnet18_aid150_64px_1xb64_20e.py']
model = dict(scene_matching='positive')
