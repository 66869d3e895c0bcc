# Linear probe of a self-supervised ResNet-18 on AID-150px 16/4/80 (the validation split
# carved from the 20 % training share, splits/aid_val04; test files identical to
# splits/aid's), 64 px: linear-probe_resnet18_aid150-20-80_64px_1xb32.py (frozen backbone from
# a checkpoint's `backbone.` keys, BatchNorm without affine + linear head, lr 0.1, 40 epochs)
# on the validation protocol: validated every epoch on `val`, the best validation epoch kept
# and tested once. The pre-training runs see the 2,000 images of the 20 % share without
# labels; the probe trains on 1,600 of them and validates on the other 400.
# Which checkpoint: `--cfg-options model.backbone.init_cfg.checkpoint=<ckpt>`; per seed with
# tools/analysis/multi_seed.py --name (configs/swimdiff/README.md).
_base_ = ['./linear-probe_resnet18_aid150-20-80_64px_1xb32.py']
pretrained = 'work_dirs/multi_seed/swimdiff_resnet18_aid150_64px_1xb64_20e/seed0/epoch_20.pth'
model = dict(backbone=dict(init_cfg=dict(checkpoint=pretrained)))
split = '20-80_seed0'
train_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_train.txt'))
# the 20/80 probe trains on the whole share and has no validation loop: this one validates
# with its test loader on the validation split
val_dataloader = dict(
    _base_.test_dataloader, _delete_=True,
    dataset=dict(_base_.test_dataloader.dataset, split_file=f'splits/aid_val04/{split}_val.txt'))
val_evaluator = _base_.test_evaluator
val_cfg = dict(_delete_=True)
test_dataloader = dict(dataset=dict(split_file=f'splits/aid_val04/{split}_test.txt'))
max_epochs = 40
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
default_hooks = dict(checkpoint=dict(interval=max_epochs, save_best='accuracy/top1',
                                     rule='greater', max_keep_ckpts=1))
