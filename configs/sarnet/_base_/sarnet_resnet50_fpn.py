# SAR-Net at paper size: the FCOS host (fcos_resnet50_fpn.py) with the Unity
# Compensation Mechanism (MAM -> MFM -> MEM over P3-P7, reference level P5) and
# the Direction-aware Attention Module (one per level) between FPN and head.
_base_ = ['./fcos_resnet50_fpn.py']
model = dict(
    type='SARNet',
    ucm=dict(type='UCM', in_channels=256, num_levels=5, refine_level=2, norm_groups=32),
    dam=dict(type='DAM', channels=256, num_levels=5, reduction=16, pooling='avg'))
