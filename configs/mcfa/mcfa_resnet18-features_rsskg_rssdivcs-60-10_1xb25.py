# MCFA on the paper's benchmark: RSSDIVCS (70 classes), 60-10 seen/unseen
# (splits/zsl/rssdivcs/rssdivcs_60-10_seed0.json; seeds 0-4 exist; the authors' five fixed
# splits are not public, so these are seeded draws at the paper's ratio).
# Visual features: ResNet-18 fine-tuned on the seen classes, 512-d (the authors' input), written
# by tools/zeroshot/extract_features.py to work_dirs/zsl/rssdivcs_resnet18_seen-ft.npz.
# Class vectors: the RS knowledge-graph vectors of Li et al. (shared/data/rsskg-semantic-vectors,
# 70 x 50); the authors used BERT class vectors (bert.mat, not reachable here).
# The RSSDIVCS images are not available on this machine: this config has not been run.
_base_ = ['./mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py']

class_split = 'splits/zsl/rssdivcs/rssdivcs_60-10_seed0.json'
feature_file = 'work_dirs/zsl/rssdivcs_resnet18_seen-ft.npz'
model = dict(
    class_split=class_split,
    class_embedding=dict(_delete_=True, type='RSKGEmbedding',
                         cache_dir='work_dirs/class_embeddings'),
    visual_dim=512)
train_dataloader = dict(dataset=dict(features=feature_file, class_split=class_split))
test_dataloader = dict(dataset=dict(features=feature_file, class_split=class_split))
