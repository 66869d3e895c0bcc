# DIAnet on FYH as the paper describes it (arXiv 2401.03182; the authors' FYH yaml
# seg_hrnet_AWCA_PSNL_z_w48_train_100x100_sgd_lr1e-2_wd5e-4_bs_8_epoch100):
# HRNetV2-W48 without stem + IAM (AWCA + PSNL), the distribution-aware (ACW) loss,
# 14 bands, 11 classes, whole 100x100 tiles, horizontal flip only, SGD 0.01 poly,
# batch 8 per process x 4 processes, 100 epochs. Validation as the authors': each
# tile cut into a 4x4 grid of 25 px cores, each inferred in a 75 px window.
#   bash tools/dist_train.sh configs/dianet/dianet_hrnetv2-w48_fyh_100x100_sgd-poly_4xb8_100e.py 4
# (one process: add --auto-scale-lr, or keep batch 8 and lr 0.01 as one GPU of theirs sees).
_base_ = [
    './_base_/dianet_hrnetv2-w48.py',
    './_base_/fyh_100x100_bs8.py',
    './_base_/sgd_poly_100e.py',
    '../_base_/default_runtime.py',
]

model = dict(test_cfg=dict(mode='core', grid=(4, 4), context=50))
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=1, max_keep_ckpts=2))
randomness = dict(seed=304, deterministic=False)  # the authors' seed
