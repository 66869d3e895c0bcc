# SMOKE RUN, not a result: MIViT end to end through tools/train.py on the REAL Trento LiDAR +
# ground truth (shared/data/trento-lidar-gt-partial) with a SYNTHETIC 63-band HSI cube of the
# documented 166 x 600 grid (seeded noise, no class information). 15 labelled pixels per class (9
# train, 6 validation), 2 epochs, batch 16; the full 8/16/24 model (pyramid, decoder, IAC on).
_base_ = ['./mivit_trento_patch24_1xb64_500e.py']

data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/trento-lidar-gt-partial'
modalities = dict(hsi=dict(_delete_=True, type='synthetic', bands=63, seed=0),
                  lidar=dict(file='Italy_lidar.mat', key='data'))
train_dataloader = dict(batch_size=16, dataset=dict(
    data_root=data_root, modalities=modalities, num_per_class=(15, 15, 15, 15, 15, 15),
    val_ratio=0.4))
val_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, modalities=modalities, num_per_class=(15, 15, 15, 15, 15, 15),
    val_ratio=0.4))
test_dataloader = dict(batch_size=64, dataset=dict(
    data_root=data_root, modalities=modalities, num_per_class=(15, 15, 15, 15, 15, 15),
    val_ratio=0.4, max_per_class=20))
train_cfg = dict(max_epochs=2)
default_hooks = dict(logger=dict(interval=2))
