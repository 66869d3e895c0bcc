# Missing-modality test of the FUSION model (train it with the fusion config): the test set
# serves LiDAR only, no HSI tensor exists, so MIViT predicts with its LiDAR stream and the LiDAR
# head alone (pred_head='auto'). Use with tools/test.py and the fusion run's best checkpoint.
_base_ = ['./mivit_houston2013-mdlrs-vectors_fusion_1x1_1xb256_12e.py']
test_dataloader = dict(dataset=dict(modalities=('lidar', )))
