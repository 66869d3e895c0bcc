# SMOKE RUN, not a result: the MDFL-like model end to end through tools/train.py on the REAL
# Trento LiDAR + ground truth (shared/data/trento-lidar-gt-partial) with a SYNTHETIC 63-band HSI
# cube (seeded noise, no class information). 15 labelled pixels per class (9 train, 6 val),
# 7 x 7 patches, 2 epochs, batch 16.
_base_ = ['./mdfl_trento_patch7_1xb64_200e.py']

data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/trento-lidar-gt-partial'
modalities = dict(hsi=dict(_delete_=True, type='synthetic', bands=63, seed=0),
                  lidar=dict(file='Italy_lidar.mat', key='data'))
common = dict(data_root=data_root, modalities=modalities, num_per_class=(15, ) * 6, val_ratio=0.4)
train_dataloader = dict(batch_size=16, dataset=common)
val_dataloader = dict(batch_size=64, dataset=common)
test_dataloader = dict(batch_size=64, dataset=dict(**common, max_per_class=20))
train_cfg = dict(max_epochs=2)
default_hooks = dict(logger=dict(interval=2))
