# AID-150px 20/80 with a validation split carved from the training share: of each seeded 20 %
# training share, 4 % of the data set (1/5 of the share: 400 images) validates and 16 % (1,600)
# trains; the 80 % test split (8,000 images) is the same file as splits/aid/20-80_seed*_test.txt.
# Checkpoints and hyper-parameters are chosen on `val`; `test` is read once, at the end
# (tools/test.py). Split files: splits/aid_val04/ (tools/dataset_converters/make_splits.py
# --train-ratio 0.2 --val-ratio 0.04 --seed 0 1 2). Images, resizing, augmentation and batch are
# those of aid150_bs32_128px.py.
_base_ = ['./aid150_bs32_128px.py']

split = '20-80_seed0'
train_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_train.txt'))
# the base's test loader on the validation split (the base, whole-share, has no validation loop)
val_dataloader = dict(
    _base_.test_dataloader, _delete_=True,
    dataset=dict(_base_.test_dataloader.dataset, split_file=f'splits/aid_val04/{split}_val.txt'))
val_evaluator = _base_.test_evaluator
val_cfg = dict(_delete_=True)  # a validation loop (the 20/80 base has none)
test_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_test.txt'))
