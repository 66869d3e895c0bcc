# Baseline of the SSKDNet redesign at 20 epochs (configs/sskdnet/README.md): ImageNet
# EfficientNet-Lite0 fine-tuned end to end on AID-150px 16 % train / 4 % val / 80 % test
# (_base_/datasets/aid150-16-4-80_bs32_128px.py), 128 px, batch 32, SGD lr 0.02, 20-epoch cosine
# (_base_/schedules/sgd_cosine_20e.py). Validated every epoch on `val`; the best validation epoch
# is kept (`save_best`) and tested once on `test`:
#   python tools/analysis/multi_seed.py THIS_CONFIG --seeds 0 1 2 --record RECORDS.jsonl
_base_ = [
    '../_base_/models/efficientnet-lite0_30cls.py',
    '../_base_/datasets/aid150-16-4-80_bs32_128px.py',
    '../_base_/schedules/sgd_cosine_20e.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(interval=20, save_best='accuracy/top1', rule='greater',
                                     max_keep_ckpts=1))
