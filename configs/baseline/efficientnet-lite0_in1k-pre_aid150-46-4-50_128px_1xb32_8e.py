# Baseline of the SSKDNet redesign on the 50/50 protocol (configs/sskdnet/README.md): ImageNet
# EfficientNet-Lite0 fine-tuned end to end on AID-150px 46 % train / 4 % val / 50 % test
# (_base_/datasets/aid150-46-4-50_bs32_128px.py), 128 px, batch 32, SGD lr 0.02, cosine over
# 8 epochs (8 x 4,600 = 36.8k samples, near the 20-epoch 16/4/80 configs' 32k). Validated every
# epoch on `val`; the best validation epoch is kept and tested once on `test`:
#   python tools/analysis/multi_seed.py THIS_CONFIG --seeds 0 1 2 --record RECORDS.jsonl
_base_ = [
    '../_base_/models/efficientnet-lite0_30cls.py',
    '../_base_/datasets/aid150-46-4-50_bs32_128px.py',
    '../_base_/schedules/sgd_cosine_8e.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(interval=8, save_best='accuracy/top1', rule='greater',
                                     max_keep_ckpts=1))
