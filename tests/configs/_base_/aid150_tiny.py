# The tiny AID-150px data of the test suite: the loaders of
# configs/_base_/datasets/aid150_bs32_64px.py on 120 training images (4 per class), validated
# on 60 other training images and tested on 60 test images (2 per class each;
# tests/data/splits/aid_tiny_*.txt, val drawn from the 20/80 training images outside the tiny
# training split), in the main process.
_base_ = ['../../../configs/_base_/datasets/aid150_bs32_64px.py']
train_dataloader = dict(
    num_workers=0, dataset=dict(split_file='tests/data/splits/aid_tiny_train.txt'))
test_dataloader = dict(
    batch_size=30, num_workers=0, dataset=dict(split_file='tests/data/splits/aid_tiny_test.txt'))
# the 20/80 base has no validation loop (it trains on the whole share); the tiny data has a
# validation split: the test loader on it
val_dataloader = dict(
    _base_.test_dataloader, _delete_=True, batch_size=30, num_workers=0,
    dataset=dict(_base_.test_dataloader.dataset, split_file='tests/data/splits/aid_tiny_val.txt'))
val_evaluator = _base_.test_evaluator
val_cfg = dict(_delete_=True)  # a validation loop (the 20/80 base has none)
