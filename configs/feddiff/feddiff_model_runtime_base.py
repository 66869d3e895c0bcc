# The FedDiff-style model and runtime shared by the configs/feddiff configs (no data here).
# Differences from the authors' code (LDXDU/FedDiff @ 7db0438): configs/feddiff/README.md.
_base_ = ['../_base_/default_runtime.py']
model = dict(
    type='FedDiff',
    in_channels=(144, 21),
    num_classes=15,
    modality_keys=('hsi', 'lidar'),
    # one diffusion branch per modality: T 500, linear betas 1e-4..0.02 (authors'), FFT parser in
    # FedDiff's spatial 'Conditioning' mode; D 64, 2 blocks (rszoo's size for pixel vectors)
    encoder=dict(embed_dim=64, depth=2, num_groups=8, frequency_domain='spatial',
                 schedule=dict(num_timesteps=500, beta_start=1e-4, beta_end=0.02)),
    # the lightweight communication module: 16 numbers per pixel and modality
    comm=dict(rank=16, payload_dtype='float32'),
    head=dict(raw_dim=64, hidden_dim=128, dropout=0.1),
    # client heads read the code only (no raw path), so that a client's own objective trains
    # the code it sends (rszoo's choice; FedDiff's classifier reuses the raw patch)
    feature_reuse=False,
    feature_t=0,
    loss_weights=dict(aux=1.0, diff=1.0),
    pred_head='auto',
)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=3e-3, weight_decay=1e-3))
param_scheduler = [dict(type='StepLR', step_size=1, gamma=0.9, by_epoch=True)]
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    channels_last=dict(enable=False),
    # the best checkpoint by validation OA (rows of the training set, never test)
    checkpoint=dict(type='CheckpointHook', interval=-1, save_best='OA', rule='greater',
                    max_keep_ckpts=1, save_last=True, backend_args=dict(backend='atomic_local')))
randomness = dict(seed=0, deterministic=False)
