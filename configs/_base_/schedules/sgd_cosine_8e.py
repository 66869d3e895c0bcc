# sgd_cosine_20e.py over 8 epochs: the AID-150px 50/50 budget (8 x 4,600-5,000 training images,
# near the 20/80 configs' 20 x 1,600-2,000).
_base_ = ['./sgd_cosine_20e.py']

param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=8, eta_min=0.0,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=8)
