# The MoCo v2 baseline at SwiMDiff's wall time: SwiMDiff's 20 epochs took 1.54x MoCo v2's on
# this CPU (the recorded seed-0 pre-trainings, configs/swimdiff/results.jsonl: 1,585 s vs
# 1,023 and 1,037 s; nothing else running), so 31 epochs (20 x 1.54) instead of 20,
# the same 1-epoch warm-up, the cosine stretched to the new length. Everything else is
# mocov2_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./mocov2_resnet18_aid150_64px_1xb64_20e.py']
max_epochs = 31
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1),
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
