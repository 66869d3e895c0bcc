# MCFA (Liu et al., arXiv 2306.06066) on AID-150px, 25 seen / 5 unseen classes
# (splits/zsl/aid/aid_25-5_seed0.json), ImageNet EfficientNet-Lite0 features (1280-d),
# GloVe 6B-50d class-name vectors (mean of the words). The model sizes, loss terms, their
# reductions (sums) and weights, the constant weight schedule (no warm-up), the min-max feature
# scaler, the reparameterisation, the episodic batches, the optimiser, the epochs and the two
# latent classifiers follow the authors' code (masuqiang/MCFA-Pytorch); the departures from it
# (features, class vectors, classifier-epoch selection, ...) are listed in configs/mcfa/README.md.
_base_ = [
    '../_base_/datasets/aid150_zsl_features.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='MCFA',
    class_split='splits/zsl/aid/aid_25-5_seed0.json',
    class_embedding=dict(type='GloVeEmbedding', cache_dir='work_dirs/class_embeddings'),
    visual_dim=1280,
    latent_dim=64,
    visual_hidden=512,
    semantic_hidden=256,
    # the authors' trainstep: loss = recon - KLD + 10 * cross_recon + 1 * distance + 100 * v2v
    # + 100 * v2s + 10 * s2v, every weight constant from the first step (their code has no
    # warm-up, unlike CADA-VAE's), every term a sum over its rows / anchors
    beta=1.0,
    cross_weight=10.0,
    align_weight=1.0,
    beta_warmup_iters=0,
    cross_warmup_iters=0,
    align_warmup_iters=0,
    contrastive=dict(type='SupervisedContrastiveLoss', temperature=2.0, similarity='cosine',
                     reduction='sum'),
    vv_weight=100.0,
    vs_weight=100.0,
    sv_weight=10.0,
    feature_scaling='minmax',      # MinMaxScaler fitted on the seen-class training features
    reparameterization='mcfa',     # z = mu + exp(logvar) * eps, one eps per sample
    # GZSL classifier: 200 visual latents per seen class + 400 semantic per unseen, 23 epochs;
    # ZSL classifier: 200 semantic latents per unseen class only, 50 epochs; Adam lr 1e-3, batch 32
    num_seen_samples=200,
    num_unseen_samples=400,
    classifier_epochs=23,
    zsl_num_unseen_samples=200,
    zsl_classifier_epochs=50,
    classifier_lr=1e-3,
    classifier_batch_size=32,
)

optim_wrapper = dict(optimizer=dict(type='Adam', lr=1.5e-4, amsgrad=True, weight_decay=0.))
param_scheduler = []
# the authors' hyper-parameter says 51 epochs, their loop (range(1, 51)) runs 50
max_epochs = 50
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
test_cfg = dict()
# GZSL from pred_score (the all-class classifier); ZSL from the separate unseen-only
# classifier (MCFA.zsl_logits, the zsl_score of each prediction, which ZSLMetric reads)
test_evaluator = dict(type='ZSLMetric', calibration_gamma=0., mode='both')

custom_hooks = [dict(type='FitZSLClassifierHook', seed=0)]
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
    logger=dict(interval=100),
    channels_last=dict(enable=False),  # feature vectors: nothing to convert
)
randomness = dict(seed=0, deterministic=False)
