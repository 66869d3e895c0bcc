# MDFL-like model (NOT the authors' MDFL: no code is published; every choice is listed in
# configs/mdfl/README.md), pixel-vector (1 x 1) variant on the MDL-RS Houston2013 TRAINING vectors
# (HSI 144 + LiDAR 21 features), seeded stratified 60/20/20 train/val/test split of those 2,832 rows
# (splits/houston2013-mdlrs/trainvec_60-20-20_seed{0,1,2}.json).
# Per modality a multi-domain diffusion encoder (D 64, 2 blocks, spectral FFT parser, DDPM T 500,
# linear betas 1e-4..0.02 as FedDiff's diffusion stage), low-rank spatial-spectral matrix fusion,
# feature-reuse heads (deep + raw). Loss CE + 0.3 aux CE + 1.0 L1 noise loss, one stage.
# Short CPU recipe (rszoo's choice, same as the MIViT pixel-vector runs): Adam 3e-3 wd 1e-3, batch
# 256, 12 epochs, StepLR x0.9 per epoch. Best checkpoint by validation OA; test scored once by
# tools/test.py (configs/mdfl/run_mdlrs_vectors.sh).
_base_ = [
    './mdfl_model_runtime_base.py',
    '../_base_/datasets/houston2013_mdlrs_vectors.py',
]
train_dataloader = dict(batch_size=256)
