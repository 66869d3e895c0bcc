# SAR-Net (FCOS host + UCM + DAM) at paper size on SSDD (512 px), the FCOS 1x
# schedule, as fcos_resnet50_fpn_ssdd_512px_1xb8_1x.py plus the two modules.
# SSDD is not available offline here: runnable, not measured.
_base_ = [
    './_base_/sarnet_resnet50_fpn.py',
    './_base_/ssdd_512px.py',
    './_base_/sgd_1x.py',
    '../_base_/default_runtime.py',
]
