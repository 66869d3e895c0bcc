# SAR-Net (FCOS host + UCM + DAM) at paper size on HRSID (800 px), the FCOS 1x
# schedule, as fcos_resnet50_fpn_hrsid_800px_1xb8_1x.py plus the two modules.
# HRSID is not available offline here: runnable, not measured.
_base_ = [
    './_base_/sarnet_resnet50_fpn.py',
    './_base_/hrsid_800px.py',
    './_base_/sgd_1x.py',
    '../_base_/default_runtime.py',
]
