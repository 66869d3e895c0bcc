# SSKDNet, redesigned (configs/sskdnet/README.md), at 20 epochs: ImageNet EfficientNet-Lite0 on
# AID-150px 16 % train / 4 % val / 80 % test, 128 px, batch 32, SGD lr 0.02, 20-epoch cosine:
# everything but the model is the baseline it is compared with,
# configs/baseline/efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_20e.py (a test checks
# it). The best validation epoch is kept and tested once:
#   python tools/analysis/multi_seed.py BASELINE THIS_CONFIG --seeds 0 1 2 --record RECORDS.jsonl
_base_ = [
    '../_base_/models/sskdnet-residual_efficientnet-lite0_30cls.py',
    '../_base_/datasets/aid150-16-4-80_bs32_128px.py',
    '../_base_/schedules/sgd_cosine_20e.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(interval=20, save_best='accuracy/top1', rule='greater',
                                     max_keep_ckpts=1))
