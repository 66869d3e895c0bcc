# SSKDNet (Zhao et al., Remote Sensing 14(19):4813, 2022) at the paper's scale: full-size AID
# (600 px images, resized to 224), 20% train / 80% test (seed 0), ImageNet ResNet-50 backbone.
# The paper's full text was not readable here: the backbone, input size and schedule below are
# rszoo's choices, each a config field (configs/sskdnet/README.md, "Choices where the paper is
# vague"). The other protocols (AID 50/50, UC Merced 80/20 and 50/50, NWPU-RESISC45 10/90 and
# 20/80) combine the same model and schedule bases with their data set's base, split and class
# count. Needs a GPU; the AID-150px configs here run on CPU.
_base_ = [
    '../_base_/models/sskdnet_resnet50_30cls.py',              # 30 classes
    '../_base_/datasets/aid_bs32_224px.py',                    # split 20-80, seed 0
    '../_base_/schedules/sgd_nesterov_warmup-cosine_100e.py',
    '../_base_/default_runtime.py',
]
