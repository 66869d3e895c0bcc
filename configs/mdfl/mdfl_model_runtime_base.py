# The MDFL-like model and runtime shared by the configs/mdfl configs (no data here).
# Every choice is rszoo's (MDFL's code is unpublished): see configs/mdfl/README.md.
_base_ = ['../_base_/default_runtime.py']
model = dict(
    type='MDFL',
    in_channels=(144, 21),
    num_classes=15,
    modality_keys=('hsi', 'lidar'),
    encoder=dict(embed_dim=64, depth=2, num_groups=8, frequency_domain='spectral',
                 schedule=dict(num_timesteps=500, beta_start=1e-4, beta_end=0.02)),
    fusion=dict(rank=64, out_channels=64),
    head=dict(raw_dim=64, hidden_dim=128, dropout=0.1),
    feature_reuse=True,
    feature_t=0,
    loss_weights=dict(aux=0.3, diff=1.0),
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
