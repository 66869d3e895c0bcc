# Zero-shot AID-150px on pre-extracted visual features: the 10,000 images' ImageNet
# EfficientNet-Lite0 features at 128 px (1280-d, global average pool), made once with
#   python tools/zeroshot/extract_features.py \
#       configs/baseline/efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e.py --all-images \
#       --out work_dirs/zsl/aid150_effnet-lite0-in1k_128px.npz
# Seen/unseen classes: splits/zsl/aid/aid_25-5_seed0.json (25 seen / 5 unseen; seeds 0-4 exist);
# 20% of each seen class is held out as the GZSL seen test set (split_seed 0).
# Episodic batches: 5 classes x 5 images (MCFA's c_way x k_shot).
feature_file = 'work_dirs/zsl/aid150_effnet-lite0-in1k_128px.npz'
class_split = 'splits/zsl/aid/aid_25-5_seed0.json'
ways, shots = 5, 5

train_dataloader = dict(
    batch_size=ways * shots,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='EpisodicClassSampler', ways=ways, shots=shots),
    dataset=dict(type='ZSLFeatureDataset', features=feature_file, class_split=class_split,
                 subset='train', seen_test_ratio=0.2, split_seed=0),
)
# No validation loop: the test classes are unseen, and a run trained on all seen classes has
# no held-out classes left to validate on; the last epoch is tested once (`tools/train.py
# CONFIG --test`, or tools/test.py). Hyper-parameters and the calibration factor are chosen
# on validation classes carved from the seen ones by tools/zeroshot/zsl_protocol.py.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = dict(
    batch_size=512,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='ZSLFeatureDataset', features=feature_file, class_split=class_split,
                 subset='test', seen_test_ratio=0.2, split_seed=0),
)
# ZSL: per-class top-1 over the unseen classes; GZSL: seen / unseen per-class accuracy, H, AUSUC
test_evaluator = dict(type='ZSLMetric', calibration_gamma=0.)
