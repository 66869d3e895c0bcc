# FedDiff-style model trained CENTRALLY (both modalities on one machine): the reference for the
# federated run. Pixel-vector (1 x 1) variant on the MDL-RS Houston2013 TRAINING vectors (HSI 144 +
# LiDAR 21), seeded stratified 60/20/20 split
# (splits/houston2013-mdlrs/trainvec_60-20-20_seed{0,1,2}.json).
# Short CPU recipe (rszoo's choice, as the MIViT / MDFL pixel-vector runs): Adam 3e-3 wd 1e-3, batch
# 256, 12 epochs, StepLR x0.9 per epoch. Best checkpoint by validation OA; test scored once.
_base_ = [
    './feddiff_model_runtime_base.py',
    '../_base_/datasets/houston2013_mdlrs_vectors.py',
]
train_dataloader = dict(batch_size=256)
