# The random-selection baseline of TDDS at 50 % kept: 800 training images drawn uniformly
# (seed = the split seed) from AID-150px 16/4/80 (random_keep50_seed0.json), the recipe of the
# TDDS configs.
_base_ = ['./tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep30.py']

train_dataloader = dict(
    dataset=dict(index_file=f'{_base_.coreset_dir}/random_keep50_seed0.json'))
