# AID-150px 50/50 with a validation split carved from the training share: of each seeded 50 %
# training share, 4 % of the data set (400 images) validates and 46 % (4,600) trains; the 50 %
# test split (5,000 images) is the same file as splits/aid/50-50_seed*_test.txt. Checkpoints and
# hyper-parameters are chosen on `val`; `test` is read once, at the end (tools/test.py). Split
# files: splits/aid_val04/ (tools/dataset_converters/make_splits.py --train-ratio 0.5
# --val-ratio 0.04 --seed 0 1 2). Everything else is aid150-16-4-80_bs32_128px.py's.
_base_ = ['./aid150-16-4-80_bs32_128px.py']

split = '50-50_seed0'
train_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_train.txt'))
val_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_val.txt'))
test_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_test.txt'))
