# The MoCo v2 baseline at SwiMDiff's wall time: SwiMDiff costs 1.65x MoCo v2's time per
# iteration on this CPU (configs/swimdiff/README.md), so 33 epochs (20 x 1.65) instead of 20,
# the same 1-epoch warm-up, the cosine stretched to the new length. Everything else is
# mocov2_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./mocov2_resnet18_aid150_64px_1xb64_20e.py']
max_epochs = 33
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1),
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
