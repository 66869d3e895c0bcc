# HSI-only baseline of the same MDFL-like model: both streams read the HSI vector.
_base_ = ['./mdfl_houston2013-mdlrs-vectors_fusion_1x1_1xb256_12e.py']
model = dict(in_channels=(144, 144), modality_keys=('hsi', 'hsi'))
train_dataloader = dict(dataset=dict(modalities=('hsi', )))
val_dataloader = dict(dataset=dict(modalities=('hsi', )))
test_dataloader = dict(dataset=dict(modalities=('hsi', )))
