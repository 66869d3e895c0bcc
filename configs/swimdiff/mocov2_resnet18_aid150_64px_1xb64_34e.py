# The MoCo v2 baseline at SwiMDiff's wall time: SwiMDiff's 20 epochs took 1.71x MoCo v2's on
# this CPU (the recorded pre-trainings of seeds 0-2, configs/swimdiff/results.jsonl
# `pretrain/train_wall_s`: 1,662 s vs 972 s on average; nothing else running), so 34 epochs
# (20 x 1.71) instead of 20, the same 1-epoch warm-up, the cosine stretched to the new
# length. Everything else is mocov2_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./mocov2_resnet18_aid150_64px_1xb64_20e.py']
max_epochs = 34
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1),
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(checkpoint=dict(interval=max_epochs))
