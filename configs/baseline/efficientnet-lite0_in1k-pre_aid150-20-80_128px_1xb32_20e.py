# Baseline: ImageNet EfficientNet-Lite0 fine-tuned end to end on AID-150px,
# 20% train / 80% test (seed 0), 128 px, batch 32, SGD lr 0.02 cosine, 20 epochs.
# All of the 20 % trains, so there is no validation loop: the last epoch is tested once,
#   python tools/test.py THIS_CONFIG work_dirs/THIS_NAME/epoch_20.pth
# (the 16/4/80 sibling, ..._aid150-16-4-80_..., validates on 400 held-out training images).
_base_ = [
    '../_base_/models/efficientnet-lite0_30cls.py',
    '../_base_/datasets/aid150_bs32_128px.py',
    '../_base_/schedules/sgd_cosine_20e.py',
    '../_base_/default_runtime.py',
]
