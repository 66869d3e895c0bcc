# MCFA on RSSDIVCS, 50-20 seen/unseen: the 60/10 config with another split
# (splits/zsl/rssdivcs/rssdivcs_50-20_seed0.json; seeds 0-4 exist). Not run here (no images).
_base_ = ['./mcfa_resnet18-features_rsskg_rssdivcs-60-10_1xb25.py']

class_split = 'splits/zsl/rssdivcs/rssdivcs_50-20_seed0.json'
model = dict(class_split=class_split)
train_dataloader = dict(dataset=dict(class_split=class_split))
test_dataloader = dict(dataset=dict(class_split=class_split))
