# A small host for CPU runs: FCOS on the packaged ImageNet EfficientNet-Lite0
# (layers 3/5/7: C3 40 ch stride 8, C4 112 ch stride 16, C5 320 ch stride 32)
# + FPN P3-P5 of 64 channels (no P6/P7: the mini-set's ships are at most ~49 px
# after the 0.56 resize), 2-conv towers with GN(16). Layers 0-4 (stem, stages
# 1-4) frozen and BatchNorm statistics kept (norm_eval) for the CPU budget and
# batch 4: stages 5-7 (C4, C5), the FPN and the head learn. The box branch
# starts at one stride per side (bbox_bias_init=1.0): from mmdetection's zero
# bias the GIoU loss stayed at 1.000 for the first 30 iterations of this run
# (point-sized, ReLU-clipped boxes), too long for a 100-iteration budget.
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='DetDataPreprocessor', mean=[127.5, 127.5, 127.5],
                           std=[127.5, 127.5, 127.5], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='EfficientNetLite', arch='lite0', out_indices=(3, 5, 7),
                  frozen_stages=5, norm_eval=True, pretrained='imagenet'),
    neck=dict(type='FPN', in_channels=[40, 112, 320], out_channels=64, extra_levels=None),
    bbox_head=dict(type='FCOSHead', num_classes=1, in_channels=64, feat_channels=64,
                   stacked_convs=2, norm_groups=16, bbox_bias_init=1.0, strides=(8, 16, 32),
                   regress_ranges=((-1, 64), (64, 128), (128, 1e8)), norm_on_bbox=True,
                   centerness_on_reg=True,
                   assigner=dict(type='FCOSAssigner', center_sampling=True,
                                 center_sample_radius=1.5)),
    test_cfg=dict(nms_pre=1000, score_thr=0.05, nms_iou_thr=0.5, max_per_img=100))
