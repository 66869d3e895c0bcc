# The published CPU-recipe checkpoint: cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py
# trained with seed 2 on the seed-2 AID-150px 16/4/80 split (the best of its 3 seeds), its best
# validation epoch, EMA weights, stored in half precision by tools/model_converters/publish_model.py
# --fp16. Deployed as rszoo.apis.get_model builds it: one forward pass per image, no test-time
# flip (the flip is the Runner's PrepareTTAHook, which get_model does not run), i.e. the
# recipe's _no-tta ablation on the seed-2 test split. This config evaluates the file:
#   python tools/test.py THIS_CONFIG weights/<published file>.pth
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e_no-tta.py']

# seed 2: training seed and split (tools/analysis/multi_seed.py --seeds 2)
randomness = dict(seed=2)
train_dataloader = dict(dataset=dict(split_file='splits/aid_val04/20-80_seed2_train.txt'))
val_dataloader = dict(dataset=dict(split_file='splits/aid_val04/20-80_seed2_val.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/aid_val04/20-80_seed2_test.txt'))
