# Smoke-scale SAR-Net on CPU: the small FCOS host of
# fcos_efficientnet-lite0_fpn_hrsid-mini-24-12_448px_1xb4_20e.py (same data, split,
# schedule and seed) with UCM (MAM -> MFM -> MEM over P3-P5, reference P4) and
# DAM (one per level) between FPN and head:
#   python tools/train.py configs/sarnet/sarnet_efficientnet-lite0_fpn_hrsid-mini-24-12_448px_1xb4_20e.py
_base_ = ['./fcos_efficientnet-lite0_fpn_hrsid-mini-24-12_448px_1xb4_20e.py']
model = dict(
    type='SARNet',
    ucm=dict(type='UCM', in_channels=64, num_levels=3, refine_level=1, norm_groups=16),
    dam=dict(type='DAM', channels=64, num_levels=3, reduction=8, pooling='avg'))
