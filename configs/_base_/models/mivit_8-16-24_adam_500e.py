# MIViT (arXiv 2401.03179), the authors' recipe (icey-zhang/MIViT demo.py / MMA.py): 8/16/24-pixel
# patches (the data serves 24 x 24; the model crops 8 and 16 around the pixel), embed 64, 5-layer
# encoder and decoder transformers (4 heads x 16, FFN 8, dropout 0.1), focal loss (gamma 2) +
# 5 x reconstruction + distillation terms (aux 0.3, KD 1, IAC 0.1), Adam lr 1e-4 wd 1e-3,
# StepLR(50 epochs, 0.9), 500 epochs, batch 64 (the data configs), seed 0.
# rszoo differs on purpose: the best checkpoint is chosen by validation OA on pixels carved from
# the training set; the authors select on the test set (demo.py:135-149).
_base_ = ['../default_runtime.py']

model = dict(
    type='MIViT',
    in_channels=(144, 1),
    num_classes=15,
    modality_keys=('hsi', 'lidar'),
    base_size=8,
    scales=(1, 2, 3),
    transformer=dict(depth=5, heads=4, dim_head=16, mlp_dim=8, dropout=0.1, emb_dropout=0.1),
    decoder=dict(decoder_dim=32, depth=5, heads=4, dim_head=16, mlp_dim=8, dropout=0.1),
    iac=dict(loss_weight=0.1),
    loss_weights=dict(rec=5.0, aux=0.3, kd=1.0),
    distillation=True,
    pred_head='auto',
)

optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-3))
param_scheduler = [dict(type='StepLR', step_size=50, gamma=0.9, by_epoch=True)]
train_cfg = dict(by_epoch=True, max_epochs=500, val_interval=1)
val_cfg = dict()
test_cfg = dict()

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    # the best checkpoint by validation OA (pixels carved from the training set, never test)
    checkpoint=dict(type='CheckpointHook', interval=-1, save_best='OA', rule='greater',
                    max_keep_ckpts=1, save_last=True, backend_args=dict(backend='atomic_local')))
randomness = dict(seed=0, deterministic=False)
