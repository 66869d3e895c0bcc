# The authors' FYH schedule (tools/train.py, lib/utils/utils.py): SGD lr 0.01,
# momentum 0.9, no Nesterov, weight decay 5e-4, one parameter group; poly decay
# lr = 0.01 (1 - it / max_it)^0.9 stepped every iteration, no warm-up; 100 epochs;
# validation every epoch. Total batch 32 (8 per GPU x 4 GPUs).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=False))
max_epochs = 100
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0.0, by_epoch=True, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)
