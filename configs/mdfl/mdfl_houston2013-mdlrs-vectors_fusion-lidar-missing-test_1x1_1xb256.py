# Missing-modality test of the FUSION model (train it with the fusion config): the test set serves
# LiDAR only, no HSI tensor exists, so the model predicts with the LiDAR encoder and the LiDAR
# feature-reuse head alone (pred_head='auto'). Use with tools/test.py and the fusion run's best
# checkpoint.
_base_ = ['./mdfl_houston2013-mdlrs-vectors_fusion_1x1_1xb256_12e.py']
test_dataloader = dict(dataset=dict(modalities=('lidar', )))
