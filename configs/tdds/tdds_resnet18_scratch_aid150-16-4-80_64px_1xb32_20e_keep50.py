# TDDS step 3: as the 30 % config, on the TDDS coreset keeping 50 % (800 of 1,600 images).
_base_ = ['./tdds_resnet18_scratch_aid150-16-4-80_64px_1xb32_20e_keep30.py']

train_dataloader = dict(dataset=dict(index_file=f'{_base_.coreset_dir}/tdds_keep50.json'))
