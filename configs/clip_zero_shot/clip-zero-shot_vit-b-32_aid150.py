# CLIP zero-shot scene classification (Radford et al., ICML 2021) on AID-150px: open_clip's
# ViT-B/32 with the 12 remote-sensing prompts of rszoo.models.class_embeddings.templates ('rs'),
# no training. Evaluated on ALL 10,000 AID-150px images (none is used for training), upsampled
# from 150 px to the tower's 224 px with bicubic interpolation, as CLIP's own preprocessing.
#
#   python tools/test.py configs/clip_zero_shot/clip-zero-shot_vit-b-32_aid150.py W \
#       --cfg-options model.pretrained=W
#
# with W = a LOCAL open_clip ViT-B-32 checkpoint (a plain state dict such as an
# `open_clip_pytorch_model.bin`, or a .safetensors file). tools/test.py loads the CHECKPOINT
# argument strictly; a bare open_clip state dict is accepted by CLIPZeroShotClassifier (its keys
# go under `clip.`), so the same file serves both. Nothing is downloaded: a tag such as 'openai'
# is an error.
#
# NOT RUN WITH REAL WEIGHTS: no CLIP checkpoint exists offline on the machine rszoo was built on,
# so this config has only been run (tests/test_models/test_classifiers/test_clip_zero_shot.py) with a tiny random open_clip
# model at 32 px; no accuracy is claimed for it.
#
# Metrics: `accuracy/top1` is the 30-way zero-shot accuracy (CLIP sees none of AID's classes in
# training). ZSLMetric evaluates the same predictions on the seen/unseen split used by rszoo's
# ZSL methods (splits/zsl/aid/aid_25-5_seed0.json): `zsl/top1` (5-way, unseen classes) is the
# number to compare with those methods' ZSL top-1; `gzsl/*` are CLIP's per-class accuracies on
# the two class groups (for CLIP both are "unseen", so S/U/H are reference points, and on all
# images of the seen classes, not only the 20% held-out images of the ZSL methods' GZSL test).
_base_ = ['../_base_/default_runtime.py']

data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/aid-150px'
class_split = 'splits/zsl/aid/aid_25-5_seed0.json'
img_size = 224

model = dict(
    type='CLIPZeroShotClassifier',
    model_name='ViT-B-32',
    model_cfg=None,
    pretrained=None,  # REQUIRED in practice: --cfg-options model.pretrained=/path/to/weights
    class_split=class_split,  # its "classes" are AID's 30 classes in label order
    templates='rs',
    logit_scale=None,  # the checkpoint's exp(logit_scale) (100 for OpenAI's weights)
    data_preprocessor=dict(num_classes=30),  # CLIP mean/std, to_rgb=True by default
)

test_pipeline = [
    dict(type='LoadRSImage'),
    dict(type='Resize', scale=(img_size, img_size), backend='pillow', interpolation='bicubic'),
    dict(type='PackInputs'),
]
test_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='AID', data_root=data_root, pipeline=test_pipeline),  # every image
)
test_evaluator = [
    dict(type='Accuracy', topk=(1, 5)),
    dict(type='ZSLMetric', class_split=class_split, calibration_gamma=0., mode='both',
         ausuc=True),
]
test_cfg = dict()
