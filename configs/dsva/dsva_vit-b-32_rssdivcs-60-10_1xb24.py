# DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing Image Scene
# Classification") on the paper's benchmark, RSSDIVCS (70 classes), 60 seen / 10 unseen.
# THE RSSDIVCS IMAGES ARE NOT AVAILABLE HERE: this config cannot run on this machine; it is
# for a machine with a local copy (class folders named as in
# shared/data/rsskg-semantic-vectors/classes_inferred.txt, under $RSZOO_DATA_ROOT/rssdivcs).
# Split: splits/zsl/rssdivcs/rssdivcs_60-10_seed0.json, a seeded random split at the paper's
# ratio, NOT the authors' (theirs are in .mat files that are not public; splits/zsl/README.md).
#
# Backbone: the authors' CLIP ViT-B/32 image tower (7 x 7 patches at 224 px; they use
# "clip-rsicd", CLIP fine-tuned on RSICD, in Hugging Face format) through open_clip. Give a
# LOCAL open_clip checkpoint in $RSZOO_CLIP_CHECKPOINT (none exists here; converting the
# Hugging Face clip-rsicd weights to open_clip is not part of rszoo). Recipe of the authors'
# scripts (wenjiaXu/RS_Scene_ZSL): 30 epochs, episodic 8 ways x 3 shots, 300 batches per
# epoch; for the first 5 epochs (pretrain_epoch 4) only the prototypes and the global head
# learn (lr 1e-4), then everything with lr 1e-6, x0.9 every 10 epochs; Adam betas (0.5, 0.999).
# Attributes: tools/zeroshot/annotate_attributes.py with the same CLIP (attribute_annotation).
_base_ = ['../_base_/default_runtime.py']

data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/rssdivcs'
class_names = '{{$RSZOO_DATA_ROOT:../shared/data}}/rsskg-semantic-vectors/classes_inferred.txt'
class_split = 'splits/zsl/rssdivcs/rssdivcs_60-10_seed0.json'
attribute_file = 'work_dirs/dsva/attributes/rssdivcs_60-10_rs-visual-attributes.npy'
clip_checkpoint = '{{$RSZOO_CLIP_CHECKPOINT:checkpoints/open_clip/clip-rsicd_vit-b-32.pt}}'
img_size = 224
ways, shots = 8, 3
episodes_per_epoch = 300
pretrain_epochs = 5          # the authors' pretrain_epoch 4: epochs 0..4
max_epochs = 30
clip_mean = [122.770938, 116.7460125, 104.09373615]   # OpenAI CLIP mean x 255
clip_std = [68.5005327, 66.6321579, 70.32316305]      # OpenAI CLIP std x 255

attribute_annotation = dict(
    dataset=dict(type='RSSceneDataset', data_root=data_root, classes=class_names),
    class_split=class_split,
    vocabulary='configs/dsva/attributes/rs_visual_attributes.txt',
    model_name='ViT-B-32',
    pretrained=clip_checkpoint,
    normalize='none',
    out=attribute_file,
)

model = dict(
    type='DSVA',
    class_split=class_split,
    class_attributes=attribute_file,
    backbone=dict(type='OpenCLIPVisionTower', model_name='ViT-B-32', pretrained=clip_checkpoint),
    mapping=dict(type='VisualAttributeMapping', pooling='max', init_scale=2e-4),
    global_head=dict(type='GlobalAttributeHead'),
    concentration=dict(type='AttentionConcentration', window_ratio=0.5, top_k=3),
    compat_loss=dict(type='SemanticCompatibilityLoss', loss_weight=1.0),          # l_xe
    regression_loss=dict(type='SemanticRegressionLoss', loss_weight=8e-2),        # l_attri
    global_compat_loss=dict(type='SemanticCompatibilityLoss', loss_weight=1.0),   # xe
    global_regression_loss=dict(type='SemanticRegressionLoss', loss_weight=1e-2),  # attri
    proposal_compat_loss=dict(type='SemanticCompatibilityLoss', loss_weight=1.0),  # xe_pro
    proposal_regression_loss=dict(type='SemanticRegressionLoss', loss_weight=8e-2),
    compatibility_scale=1.0,
    test_branches=('mapping', 'proposal'),
    concentration_start_iter=pretrain_epochs * episodes_per_epoch,
    freeze_backbone_iters=pretrain_epochs * episodes_per_epoch,
    calibration_gamma=0.0,   # the authors: 0.7 (ZSL scripts), 1e-4 (GZSL); here: the metric's
    attribute_normalization='zscore',   # rszoo's choice (the authors use their .mat as stored)
    data_preprocessor=dict(type='ClsDataPreprocessor', mean=clip_mean, std=clip_std,
                           to_rgb=True),
)

train_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(256, 256), backend='pillow', interpolation='bilinear'),
    dict(type='RandomCrop', crop_size=img_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(256, 256), backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=img_size),
    dict(type='PackInputs'),
]
inner_dataset = dict(type='RSSceneDataset', data_root=data_root, classes=class_names)

train_dataloader = dict(
    batch_size=ways * shots,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='EpisodicClassSampler', ways=ways, shots=shots,
                 episodes_per_epoch=episodes_per_epoch),
    dataset=dict(type='ZeroShotDataset', dataset=inner_dataset, class_split=class_split,
                 subset='train', seen_test_ratio=0.2, split_seed=0, pipeline=train_pipeline),
)
# No validation loop: the test classes are unseen, and a run trained on all seen classes has
# no held-out classes left to validate on; the last epoch is tested once (`tools/train.py
# CONFIG --test`, or tools/test.py). Hyper-parameters and the calibration factor are chosen
# on validation classes carved from the seen ones by tools/zeroshot/zsl_protocol.py.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='ZeroShotDataset', dataset=inner_dataset, class_split=class_split,
                 subset='test', seen_test_ratio=0.2, split_seed=0, pipeline=test_pipeline),
)
test_evaluator = dict(type='ZSLMetric', calibration_gamma=0.)

optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999), weight_decay=0.))
# lr 1e-4 during the pre-training epochs, then 1e-6 (x0.01), x0.9 at epochs 10 and 20
param_scheduler = [
    dict(type='MultiStepLR', milestones=[pretrain_epochs], gamma=0.01, by_epoch=True),
    dict(type='MultiStepLR', milestones=[10, 20], gamma=0.9, by_epoch=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
test_cfg = dict()

default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=2),
    logger=dict(interval=50),
    channels_last=dict(enable=False),
)
randomness = dict(seed=0, deterministic=False)
