# Fine-tuning variant of linear-probe_resnet18_aid150-20-80_64px_1xb32.py: the one
# switch `model.backbone.frozen_stages=-1` (every stage trains, BatchNorm too, at
# lr 0.02 = 0.1 x lr_mult 0.2, the lr of the from-scratch baseline
# configs/baseline/resnet18_scratch_aid150-20-80_64px_1xb32_40e.py).
_base_ = ['./linear-probe_resnet18_aid150-20-80_64px_1xb32.py']
model = dict(backbone=dict(frozen_stages=-1))
