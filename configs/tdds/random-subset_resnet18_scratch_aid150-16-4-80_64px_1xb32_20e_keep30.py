# The random-selection baseline of TDDS at 30 % kept: the same recipe as the TDDS 30 % config
# on 480 training images drawn uniformly (numpy default_rng, seed = the split seed) from
# AID-150px 16/4/80 by tools/dataset_converters/make_coreset.py (random_keep30_seed0.json, as
# many as the coreset).
_base_ = ['./tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep30.py']

train_dataloader = dict(
    dataset=dict(index_file=f'{_base_.coreset_dir}/random_keep30_seed0.json'))
