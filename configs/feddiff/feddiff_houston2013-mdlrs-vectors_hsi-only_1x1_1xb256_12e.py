# HSI-only baseline of the same FedDiff-style model (central): both branches read the HSI vector.
_base_ = ['./feddiff_houston2013-mdlrs-vectors_central_1x1_1xb256_12e.py']
model = dict(in_channels=(144, 144), modality_keys=('hsi', 'hsi'))
train_dataloader = dict(dataset=dict(modalities=('hsi', )))
val_dataloader = dict(dataset=dict(modalities=('hsi', )))
test_dataloader = dict(dataset=dict(modalities=('hsi', )))
