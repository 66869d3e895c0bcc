# The CPU recipe
# (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py)
# on the 50/50 protocol with a validation split (46 % train / 4 % val / 50 % test: of each
# seeded 50 % training share, 400 images validate; the test split is the file of
# splits/aid/50-50_seed*_test.txt; splits/aid_val04/README.md).
# 2.9x the training images per epoch, so 10 epochs (1 of warm-up, then cosine; 1,440
# iterations, as the 1,500 of the 20/80 recipe) keep the run within the same CPU budget;
# the EMA's m (per iteration) is unchanged. Everything else is the full recipe.
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e.py']
split = '50-50_seed0'
train_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_train.txt'))
val_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_val.txt'))
test_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_test.txt'))
max_epochs = 10
# the recipe's warm-up, its cosine cut to this length
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs, T_max=max_epochs - _base_.warmup_epochs),
]
train_cfg = dict(max_epochs=max_epochs)
