# SSKDNet with the ImageNet EfficientNet-Lite0 on AID-150px 20/80 at the budget of
# configs/baseline/efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e.py (10-epoch cosine,
# one evaluation after the last epoch): the model of the 20-epoch SSKDNet config, the schedule
# of the 10-epoch baseline (tests/test_models/test_classifiers/test_sskdnet.py checks that only the model differs).
#   python tools/analysis/multi_seed.py \
#       configs/baseline/efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e.py THIS_CONFIG \
#       --seeds 0 1 2
_base_ = ['./sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py']

param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=10, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=10)
