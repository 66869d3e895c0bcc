# Missing-modality test of the CENTRAL fusion model: the test set serves LiDAR only; the model
# predicts with the LiDAR branch, its communication code and the LiDAR client head
# (pred_head='auto').
_base_ = ['./feddiff_houston2013-mdlrs-vectors_central_1x1_1xb256_12e.py']
test_dataloader = dict(dataset=dict(modalities=('lidar', )))
