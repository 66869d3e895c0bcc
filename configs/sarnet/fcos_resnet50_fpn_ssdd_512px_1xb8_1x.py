# The plain FCOS host of SAR-Net at paper size on SSDD (512 px), mmdetection's
# FCOS 1x schedule (batch 8 here: lr scaled by --auto-scale-lr from base 16).
# SSDD is not available offline here: runnable, not measured.
_base_ = [
    './_base_/fcos_resnet50_fpn.py',
    './_base_/ssdd_512px.py',
    './_base_/sgd_1x.py',
    '../_base_/default_runtime.py',
]
