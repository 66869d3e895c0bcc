# DIAnet (arXiv 2401.03182) at the paper's size: HRNetV2-W48 without its stem
# (high-resolution + multi-resolution cross-branches), the Interactive Attention
# Module (AWCA on the 100 px branch + stage-1 skip, PSNL on 2x2 quadrants) and the
# 1x1 classifier, 14 FY-4A AGRI bands in, 11 FYH classes out. 66.0M parameters,
# 126.8 GFLOPs per 100x100 tile (torch flop counter; the authors' code: 66.0M used,
# 127 GFLOPs). Loss: the distribution-aware loss = ACW loss (see README).
# Width/depth fields: backbone.base_channels, stage1_channels, stage1_blocks,
# num_modules, num_blocks (_base_/dianet_small.py is the small variant).
num_classes = 11
in_channels = 14
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='SegDataPreprocessor', mean=None, std=None,
                           seg_pad_val=255),  # FYH tiles are already min-max scaled
    backbone=dict(
        type='HRNetNoStem',
        in_channels=in_channels,
        base_channels=48,  # W48: 48/96/192/384 channels at 1, 1/2, 1/4, 1/8 resolution
        stage1_channels=64,  # 4 Bottlenecks, 256 channels out
        stage1_blocks=4,
        num_modules=(1, 4, 3),  # HR modules in stages 2, 3, 4
        num_blocks=4,  # BasicBlocks per branch
        align_corners=False),
    decode_head=dict(
        type='DIAnetHead',
        in_channels=(256, 48, 96, 192, 384),  # (stage-1 skip, branches 0-3)
        num_classes=num_classes,
        channel_attention=dict(type='AWCA', reduction=16),
        skip=True,
        spatial_attention=dict(type='PSNL', reduction=8),
        loss_decode=dict(type='ACWLoss', loss_name='loss_acw'),
        ignore_index=255,
        align_corners=False),
    test_cfg=dict(mode='whole'))
