# SSKDNet on the ImageNet EfficientNet-Lite0 of efficientnet-lite0_30cls.py (offline
# weights, TF-style normalisation (x - 127.5) / 127.5), 30-class head:
# sskdnet_resnet18_30cls.py with the Lite0's stages and channel counts.
_base_ = ['./sskdnet_resnet18_30cls.py']

model = dict(
    data_preprocessor=dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5]),
    # layers 2, 3, 5, 8 of Lite0 at 128 px: (24, 32x32), (40, 16x16), (112, 8x8), (1280, 4x4)
    backbone=dict(
        _delete_=True,
        type='EfficientNetLite',
        arch='lite0',
        out_indices=(2, 3, 5, 8),
        init_cfg=dict(type='Pretrained', checkpoint='pkgweights://efficientnet-lite0')),
    neck=dict(in_channels=(24, 40, 112, 1280)),
    # restore layer 2 (24 ch, H/4); attention map = channel mean of layer 8 (1280 ch, H/32)
    branch=dict(in_channels=1280, target_channels=24),
)
