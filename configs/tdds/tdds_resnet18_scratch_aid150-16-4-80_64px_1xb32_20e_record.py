# TDDS step 1, the scoring run: the baseline ResNet-18 from scratch on all 1,600 training images
# of AID-150px 16/4/80 (seed 0), 64 px, batch 32, SGD lr 0.02 cosine (1-epoch warm-up), 20 epochs,
# with TDDSTrajectoryHook recording every sample's per-epoch contribution (from the train-mode
# logits of the head) into work_dirs/<this config>/tdds_trajectory.npz and every checkpoint.
# Then: tools/dataset_converters/make_coreset.py scores its first T=15 epochs (W=5) and writes the
# coreset files of the tdds_*_keep*.py / random-subset_*_keep*.py configs (configs/tdds/README.md).
# Its test accuracy is the full-data (100 % kept) reference of those configs.
_base_ = ['../baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py']

custom_hooks = [dict(type='TDDSTrajectoryHook', module='head', out_file='tdds_trajectory.npz')]
