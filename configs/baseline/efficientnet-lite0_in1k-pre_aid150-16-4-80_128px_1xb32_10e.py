# Baseline of the SSKDNet redesign (configs/sskdnet/README.md): ImageNet EfficientNet-Lite0
# fine-tuned end to end on AID-150px 20/80 with a validation split carved from the training
# share (16 % train / 4 % val / 80 % test, _base_/datasets/aid150-16-4-80_bs32_128px.py), 128 px,
# batch 32, SGD lr 0.02, 10-epoch cosine. Validated every epoch on `val`; the best validation
# epoch is kept (`save_best`) and tested once on `test`:
#   python tools/analysis/multi_seed.py THIS_CONFIG --seeds 0 1 2 --record RECORDS.jsonl
_base_ = [
    '../_base_/models/efficientnet-lite0_30cls.py',
    '../_base_/datasets/aid150-16-4-80_bs32_128px.py',
    '../_base_/schedules/sgd_cosine_10e_val-best.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(interval=10, save_best='accuracy/top1', rule='greater',
                                     max_keep_ckpts=1))
