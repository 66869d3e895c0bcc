# TDDS step 3: ResNet-18 from scratch on the TDDS coreset keeping 30 % of AID-150px 16/4/80
# (480 of the 1,600 training images with the highest TDDS scores: T=15 epochs, window W=5,
# beta=0.9, of the scoring run tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_record.py).
# The baseline's recipe unchanged: 20 epochs (15 iterations an epoch instead of 50; the
# authors keep the epochs, not the iterations), tested on the full 8,000-image test split.
# The coreset file comes from tools/dataset_converters/make_coreset.py (configs/tdds/README.md),
# run on the scoring run of the same split seed: the folder below is where
# `tools/analysis/multi_seed.py` trains that run for seed 0 ('seed0' in the path and the file
# names becomes 'seed<s>' for seed s).
_base_ = ['../baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py']

coreset_dir = ('work_dirs/multi_seed/tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_record/'
               'seed0/coresets')
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CoresetDataset',
        index_file=f'{coreset_dir}/tdds_keep30.json',
        dataset=_base_.train_dataloader.dataset))
