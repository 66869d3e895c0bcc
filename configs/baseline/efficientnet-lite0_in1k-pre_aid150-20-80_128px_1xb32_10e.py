# Baseline at half the budget: the 20-epoch EfficientNet-Lite0 fine-tune on AID-150px 20/80
# with a 10-epoch cosine schedule (20k samples seen); the last epoch is tested once.
# The budget of the 3-seed SSKDNet comparison (configs/sskdnet/README.md), which has to fit
# 2 CPU cores: run it over seeds with
#   python tools/analysis/multi_seed.py THIS_CONFIG --seeds 0 1 2
_base_ = ['./efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py']

param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=10, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=10)
