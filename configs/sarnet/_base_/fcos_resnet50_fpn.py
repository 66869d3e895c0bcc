# The host detector at paper size: FCOS (centre sampling, stride-normalised
# boxes, centre-ness on the regression branch, GIoU; mmdetection's
# fcos_center-normbbox-centeronreg-giou recipe) on ResNet-50 C3-C5 + FPN P3-P7,
# 256 channels, 4-conv towers. The ResNet-50 starts from scratch here: ImageNet
# weights are not available offline (set model.backbone.init_cfg to a local
# checkpoint, dict(type='Pretrained', checkpoint=PATH), for the usual recipe).
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='DetDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='mmpretrain.ResNet', depth=50, out_indices=(1, 2, 3), frozen_stages=1,
                  norm_eval=True),
    neck=dict(type='FPN', in_channels=[512, 1024, 2048], out_channels=256,
              extra_levels='p6p7'),
    bbox_head=dict(type='FCOSHead', num_classes=1, in_channels=256, feat_channels=256,
                   stacked_convs=4, strides=(8, 16, 32, 64, 128), norm_on_bbox=True,
                   centerness_on_reg=True,
                   assigner=dict(type='FCOSAssigner', center_sampling=True,
                                 center_sample_radius=1.5)),
    test_cfg=dict(nms_pre=1000, score_thr=0.05, nms_iou_thr=0.5, max_per_img=100))
